package dev.resnetserve.security;

import java.util.Set;

/**
 * One accepted key, known only by the SHA-256 of its text (so configuration and Kubernetes Secrets never hold the
 * key itself).
 *
 * @param name   who holds it; the authenticated principal, for logs
 * @param sha256 64 hex digits: {@code printf %s "$KEY" | sha256sum}
 * @param roles  what it may do
 */
public record ApiKey(String name, String sha256, Set<Role> roles) {

    public ApiKey {
        roles = Set.copyOf(roles);
    }
}
