package dev.resnetserve.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The default split of cores into workers and intra-op threads. */
class WorkerThreadsTest {

    @Test
    void onTheCpuOneWorkerPerCoreWithOneThreadEach() {
        assertThat(WorkerThreads.defaults(1, false)).isEqualTo(new WorkerThreads(1, 1));
        assertThat(WorkerThreads.defaults(2, false)).isEqualTo(new WorkerThreads(2, 1));
        assertThat(WorkerThreads.defaults(8, false)).isEqualTo(new WorkerThreads(8, 1));
    }

    @Test
    void beyondTheWorkerCapMoreCoresBecomeThreads() {
        assertThat(WorkerThreads.defaults(16, false)).isEqualTo(new WorkerThreads(8, 2));
        assertThat(WorkerThreads.defaults(12, false)).isEqualTo(new WorkerThreads(8, 1));
        assertThat(WorkerThreads.defaults(64, false)).isEqualTo(new WorkerThreads(8, 8));
    }

    @Test
    void aGpuPoolGetsOneWorker() {
        assertThat(WorkerThreads.defaults(16, true).workers()).isEqualTo(1);
    }

    @Test
    void explicitWorkersShareTheCores() {
        assertThat(WorkerThreads.intraOpThreads(2, 1)).isEqualTo(2);
        assertThat(WorkerThreads.intraOpThreads(8, 3)).isEqualTo(2);
        assertThat(WorkerThreads.intraOpThreads(2, 4)).isEqualTo(1);
        assertThat(WorkerThreads.intraOpThreads(0, 0)).isEqualTo(1);
    }
}
