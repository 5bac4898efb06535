package dev.resnetserve.serving;

import java.util.concurrent.TimeUnit;

/**
 * How long an explanation waits after its parts ({@code resnet.explain.share-under-load}). An explanation runs
 * in parts (occlusion's batches, integrated gradients' path points, Grad-CAM's one job), each on one of the model's
 * workers. When other requests were queued for the model while a part ran, the explanation pauses after it (after
 * the last one too, before it answers, still holding its place in the explanation budget), so that its parts hold a
 * worker for at most {@code share} of the time: a part of {@code d} is followed by a pause of
 * {@code d (1 - share) / share}. Alone on the model it never waits. Classification keeps most of the workers'
 * time while explanations run (docs/benchmarks.md, "Classification while explanations run"); explanations take
 * longer under load instead.
 */
final class ExplainPacing {

    private final double share;

    /** @param share the most of a worker's time an explanation's parts may hold while others wait, above 0 up to 1 */
    ExplainPacing(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share-under-load must be above 0 and at most 1, got " + share);
        }
        this.share = share;
    }

    /**
     * The pause owed after a part that took {@code partNanos} from queuing to its answer, during which {@code others}
     * requests or jobs other than its own were queued for the model; never past {@code untilDeadlineNanos}.
     */
    long pauseNanos(long partNanos, long others, long untilDeadlineNanos) {
        if (others <= 0 || share >= 1 || partNanos <= 0) {
            return 0;
        }
        long owed = (long) (partNanos * (1 - share) / share);
        return Math.max(0, Math.min(owed, untilDeadlineNanos));
    }

    /** Waits {@code nanos} on this thread; returns early, with the interrupt flag set, when interrupted. */
    static void pause(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
