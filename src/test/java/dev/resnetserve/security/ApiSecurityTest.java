package dev.resnetserve.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The start-up line says who may do what. */
class ApiSecurityTest {

    @Test
    void withoutKeysOnEveryAddressTheLogSaysManagementIsClosed() {
        String line = new ApiSecurity(false, List.of(), false, List.of(), new ListenAddress("0.0.0.0")).openEndpoints();

        assertThat(line)
                .contains("API keys off", "0.0.0.0", "CLOSED", "management_disabled", "resnet.security.enabled");
    }

    @Test
    void onLoopbackWithoutKeysEverythingIsOpenToThisMachine() {
        assertThat(new ApiSecurity(false, List.of(), false, List.of(), new ListenAddress("127.0.0.1")).openEndpoints())
                .contains("loopback only", "model management included");
    }

    @Test
    void withKeysEachGroupNeedsItsRole() {
        ApiKey key = new ApiKey("ops", "0".repeat(64), Set.of(Role.MANAGEMENT));

        assertThat(new ApiSecurity(true, List.of(key), false, List.of(), new ListenAddress("0.0.0.0")).openEndpoints())
                .contains("API keys on (1 keys)", "INFERENCE key", "MANAGEMENT key");
    }

    @Test
    void publicMetricsAreSaid() {
        ApiKey key = new ApiKey("ops", "0".repeat(64), Set.of(Role.MANAGEMENT));

        assertThat(new ApiSecurity(true, List.of(key), true, List.of(), new ListenAddress("0.0.0.0")).openEndpoints())
                .contains("METRICS key (metrics public)");
        assertThat(new ApiSecurity(true, List.of(key), false, List.of(), new ListenAddress("0.0.0.0")).openEndpoints())
                .doesNotContain("public");
    }

    @Test
    void keysOnWithoutAKeyIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new ApiSecurity(true, List.of(), false, List.of(), new ListenAddress(null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resnet.security.api-keys");
        assertThat(new ApiSecurity(false, List.of(), false, List.of(), new ListenAddress(null)).enabled())
                .isFalse();
    }

    @Test
    void gRpcGetsTheKeysOnlyWhenTheyAreOn() {
        ApiKey key = new ApiKey("client", "0".repeat(64), Set.of(Role.INFERENCE));

        assertThat(new ApiSecurity(true, List.of(key), false, List.of(), new ListenAddress(null)).grpcInterceptor())
                .get()
                .isInstanceOf(GrpcApiKeyInterceptor.class);
        assertThat(new ApiSecurity(false, List.of(key), false, List.of(), new ListenAddress(null)).grpcInterceptor())
                .isEmpty();
    }
}
