package dev.resnetserve.inference;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a served model version is in its life, and the moves it may make, all here: it loads on each device in
 * turn (LOADING, then WARMING_UP its workers, LOADING again for the next device), becomes READY or FAILED, and is
 * STOPPED when it is removed or the service stops; a stopped or failed version loads again when a paused context
 * restarts. A stopped version never becomes ready again by itself (a loader still running when it was stopped is
 * ignored).
 */
public enum ModelState {
    LOADING,
    WARMING_UP,
    READY,
    FAILED,
    STOPPED;

    /** Whether a version in this state may move to {@code next}. */
    public boolean mayBecome(ModelState next) {
        return next(this).contains(next);
    }

    private static Set<ModelState> next(ModelState state) {
        return switch (state) {
            case LOADING -> EnumSet.of(LOADING, WARMING_UP, FAILED, STOPPED);
            case WARMING_UP -> EnumSet.of(LOADING, READY, FAILED, STOPPED);
            case READY -> EnumSet.of(STOPPED);
            case FAILED -> EnumSet.of(LOADING, STOPPED);
            case STOPPED -> EnumSet.of(LOADING);
        };
    }
}
