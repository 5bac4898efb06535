package dev.resnetserve.finetune;

import java.time.Duration;

/** What the job service reports as it goes; the metrics implement it. */
public interface JobObserver {

    /** A job started running: its progress may be read from now until {@link #ended}. */
    void started(FineTuneJob job);

    /** A job ended (succeeded, failed or was cancelled), after {@code took} from its submission. */
    void ended(FineTuneJob job, Duration took);

    JobObserver NONE = new JobObserver() {
        @Override
        public void started(FineTuneJob job) {}

        @Override
        public void ended(FineTuneJob job, Duration took) {}
    };
}
