package dev.resnetserve.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ListenAddressTest {

    @Test
    void onlyLoopbackAddressesAreLoopbackOnly() {
        assertThat(new ListenAddress("127.0.0.1").loopbackOnly()).isTrue();
        assertThat(new ListenAddress("127.0.0.2").loopbackOnly()).isTrue();
        assertThat(new ListenAddress("::1").loopbackOnly()).isTrue();
        assertThat(new ListenAddress("localhost").loopbackOnly()).isTrue();
        assertThat(new ListenAddress(" 127.0.0.1 ").loopbackOnly()).isTrue();
    }

    @Test
    void everyOtherAddressIsNot() {
        assertThat(new ListenAddress(null).loopbackOnly())
                .as("unset: the container listens everywhere")
                .isFalse();
        assertThat(new ListenAddress("").loopbackOnly()).isFalse();
        assertThat(new ListenAddress("   ").loopbackOnly()).isFalse();
        assertThat(new ListenAddress("0.0.0.0").loopbackOnly()).isFalse();
        assertThat(new ListenAddress("::").loopbackOnly()).isFalse();
        assertThat(new ListenAddress("10.1.2.3").loopbackOnly()).isFalse();
        assertThat(new ListenAddress("no-such-host.invalid").loopbackOnly()).isFalse();
    }

    @Test
    void theLogNamesTheAddressOrEveryAddress() {
        assertThat(new ListenAddress(null)).hasToString("every address");
        assertThat(new ListenAddress("")).hasToString("every address");
        assertThat(new ListenAddress("  ")).hasToString("every address");
        assertThat(new ListenAddress(" 0.0.0.0 ")).hasToString("0.0.0.0");
        assertThat(new ListenAddress("127.0.0.1")).hasToString("127.0.0.1");
    }
}
