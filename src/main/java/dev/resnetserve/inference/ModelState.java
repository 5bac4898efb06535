package dev.resnetserve.inference;

/** Where a served model is in its life. */
public enum ModelState {
    LOADING, WARMING_UP, READY, FAILED, STOPPED
}
