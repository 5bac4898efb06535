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

    @Test
    void aLargeModelOnLibtorchGetsTwoThreadsPerWorker() {
        long resnet50 = 103_000_000L;
        assertThat(WorkerThreads.defaults(2, false, ModelFormat.PYTORCH, resnet50))
                .isEqualTo(new WorkerThreads(1, 2));
        assertThat(WorkerThreads.defaults(1, false, ModelFormat.PYTORCH, resnet50))
                .isEqualTo(new WorkerThreads(1, 1));
        assertThat(WorkerThreads.defaults(8, false, ModelFormat.PYTORCH, resnet50))
                .isEqualTo(new WorkerThreads(4, 2));
        assertThat(WorkerThreads.defaults(32, false, ModelFormat.PYTORCH, resnet50))
                .isEqualTo(new WorkerThreads(8, 4));
        assertThat(WorkerThreads.defaults(2, false, ModelFormat.PYTORCH, WorkerThreads.LARGE_MODEL_BYTES))
                .isEqualTo(new WorkerThreads(1, 2));
    }

    @Test
    void smallUnknownAndOnnxModelsGetOneWorkerPerCore() {
        long resnet18 = 46_900_000L;
        assertThat(WorkerThreads.defaults(2, false, ModelFormat.PYTORCH, resnet18))
                .isEqualTo(new WorkerThreads(2, 1));
        assertThat(WorkerThreads.defaults(2, false, ModelFormat.PYTORCH, WorkerThreads.LARGE_MODEL_BYTES - 1))
                .isEqualTo(new WorkerThreads(2, 1));
        assertThat(WorkerThreads.defaults(2, false, ModelFormat.PYTORCH, WorkerThreads.UNKNOWN_SIZE))
                .isEqualTo(new WorkerThreads(2, 1));
        assertThat(WorkerThreads.defaults(2, false, ModelFormat.ONNX_RUNTIME, 103_000_000L))
                .isEqualTo(new WorkerThreads(2, 1));
        assertThat(WorkerThreads.defaults(4, true, ModelFormat.PYTORCH, 103_000_000L))
                .isEqualTo(new WorkerThreads(1, 4));
    }
}
