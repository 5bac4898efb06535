package dev.resnetserve.finetune;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a fine-tuning job is, and the moves it may make: QUEUED until a job thread takes it, RUNNING, then one of
 * the three ends. A queued or running job may be CANCELLED; an ended job never moves again.
 */
public enum JobState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    public boolean mayBecome(JobState next) {
        return next(this).contains(next);
    }

    public boolean ended() {
        return next(this).isEmpty();
    }

    private static Set<JobState> next(JobState state) {
        return switch (state) {
            case QUEUED -> EnumSet.of(RUNNING, CANCELLED, FAILED);
            case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, CANCELLED);
            case SUCCEEDED, FAILED, CANCELLED -> EnumSet.noneOf(JobState.class);
        };
    }
}
