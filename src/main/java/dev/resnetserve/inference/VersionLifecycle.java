package dev.resnetserve.inference;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model version's life, in one place: its {@link ModelState}, why it failed, and every move between states, each
 * checked against {@link ModelState#mayBecome} under one lock (a loader still running when the version was stopped
 * cannot make it ready). {@link ServedModel} drives it as it loads, warms up, serves and stops, and asks it whether
 * a request may be served.
 */
final class VersionLifecycle {

    private static final Logger log = LoggerFactory.getLogger(VersionLifecycle.class);

    private final String name;
    private final String version;
    private final Object transitions = new Object();
    private volatile ModelState state = ModelState.LOADING;
    private volatile String failure;

    VersionLifecycle(String name, String version) {
        this.name = name;
        this.version = version;
    }

    ModelState state() {
        return state;
    }

    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** A load begins (at start, or again after a failure or a pause); false when the version may not load now. */
    boolean startLoading() {
        if (!moveTo(ModelState.LOADING)) {
            return false;
        }
        failure = null;
        return true;
    }

    /** The model loads on its next device; fails if the version was stopped meanwhile. */
    void loadingOnDevice() {
        requireMove(ModelState.LOADING);
    }

    /** The device's workers warm up; fails if the version was stopped meanwhile. */
    void warmingUp() {
        requireMove(ModelState.WARMING_UP);
    }

    /** Loaded and warmed up on every device; fails if the version was stopped meanwhile. */
    void ready() {
        if (!moveTo(ModelState.READY)) {
            throw new IllegalStateException("model '" + name + "' was stopped while it loaded");
        }
    }

    /** The load failed: the reason, kept for GET /v1/models and readiness, is returned. */
    String failed(Throwable cause) {
        failure = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        moveTo(ModelState.FAILED);
        return failure;
    }

    /** Removed or the service stops; a failed version stays failed, with its reason. */
    void stopped() {
        if (state != ModelState.FAILED) {
            moveTo(ModelState.STOPPED);
        }
    }

    /** Refuses (503) unless the version is ready to serve requests. */
    void checkReady() {
        if (state == ModelState.FAILED) {
            // the reason can name local paths: it is in GET /v1/models for operators, not in every 503
            throw new ModelNotReadyException(
                    "model '" + name + "' failed to load; see GET /v1/models/" + name + " for the reason");
        }
        if (state != ModelState.READY) {
            throw new ModelNotReadyException(
                    "model '" + name + "' is " + state.name().toLowerCase());
        }
    }

    /** Refuses (503) an operation only a ready version may take. */
    void checkReadyTo(String operation) {
        if (state != ModelState.READY) {
            throw new ModelNotReadyException("model '" + name + "' is "
                    + state.name().toLowerCase() + "; only a " + "ready model can be " + operation);
        }
    }

    /**
     * The one place the state changes: a move {@link ModelState#mayBecome} forbids is not made, and is said in the
     * log.
     */
    private boolean moveTo(ModelState next) {
        synchronized (transitions) {
            if (!state.mayBecome(next)) {
                log.warn("model '{}' version '{}' stays {}: it may not become {}", name, version, state, next);
                return false;
            }
            state = next;
            return true;
        }
    }

    private void requireMove(ModelState next) {
        if (!moveTo(next)) {
            throw new IllegalStateException(
                    "model '" + name + "' is " + state.name().toLowerCase() + " and cannot be "
                            + next.name().toLowerCase());
        }
    }
}
