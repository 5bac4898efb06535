package dev.resnetserve.security;

/** What an API key may do; each endpoint group needs one (see {@link ApiSecurity}). */
public enum Role {
    /** Classify, infer, predict, and read the models' descriptions. */
    INFERENCE,
    /** Register, remove, scale and switch models. */
    MANAGEMENT,
    /** Read {@code /actuator/prometheus} and {@code /actuator/info}. */
    METRICS
}
