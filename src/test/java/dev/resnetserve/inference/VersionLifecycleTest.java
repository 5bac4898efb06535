package dev.resnetserve.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A version's life without a model: the moves a load makes, what stops it, and what a request is told. */
class VersionLifecycleTest {

    private final VersionLifecycle lifecycle = new VersionLifecycle("r50", "2");

    @Test
    void aLoadWarmsUpOnEachDeviceThenServes() {
        assertThat(lifecycle.startLoading()).isTrue();
        lifecycle.loadingOnDevice();
        lifecycle.warmingUp();
        lifecycle.loadingOnDevice(); // the next device
        lifecycle.warmingUp();
        assertThatThrownBy(lifecycle::checkReady)
                .isInstanceOf(ModelNotReadyException.class)
                .hasMessage("model 'r50' is warming_up");

        lifecycle.ready();

        assertThat(lifecycle.state()).isEqualTo(ModelState.READY);
        lifecycle.checkReady();
        lifecycle.checkReadyTo("scaled");
        assertThat(lifecycle.startLoading())
                .as("a ready version does not load again")
                .isFalse();
    }

    @Test
    void aVersionStoppedWhileItLoadsNeverBecomesReady() {
        lifecycle.startLoading();
        lifecycle.loadingOnDevice();
        lifecycle.stopped();

        assertThatThrownBy(lifecycle::warmingUp).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(lifecycle::ready)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stopped while it loaded");
        assertThat(lifecycle.state()).isEqualTo(ModelState.STOPPED);
        assertThatThrownBy(() -> lifecycle.checkReadyTo("scaled"))
                .isInstanceOf(ModelNotReadyException.class)
                .hasMessage("model 'r50' is stopped; only a ready model can be scaled");
    }

    @Test
    void aFailureKeepsItsReasonForOperatorsOnlyUntilTheNextLoad() {
        lifecycle.startLoading();

        assertThat(lifecycle.failed(new IllegalStateException("/models/r50.pt: no such file")))
                .isEqualTo("/models/r50.pt: no such file");
        assertThat(lifecycle.failed(new OutOfMemoryError()))
                .as("no message: the type")
                .isEqualTo("OutOfMemoryError");

        assertThat(lifecycle.state()).isEqualTo(ModelState.FAILED);
        assertThatThrownBy(lifecycle::checkReady)
                .isInstanceOf(ModelNotReadyException.class)
                .hasMessage("model 'r50' failed to load; see GET /v1/models/r50 for the reason");
        lifecycle.stopped();
        assertThat(lifecycle.state()).as("a failed version stays failed").isEqualTo(ModelState.FAILED);
        assertThat(lifecycle.failure()).isPresent();

        assertThat(lifecycle.startLoading()).as("a failed version loads again").isTrue();
        assertThat(lifecycle.failure()).isEmpty();
    }
}
