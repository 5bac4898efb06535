package dev.resnetserve.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** What counts as changing what is served: by the path as handlers see it, and by default under /v1/models. */
class ManagementEndpointsTest {

    private final ManagementEndpoints management = new ManagementEndpoints();

    @Test
    void percentEncodedLettersDoNotHideAManagementPath() {
        assertThat(matches("POST", "/v1/models")).isTrue();
        assertThat(matches("POST", "/v1/model%73")).as("%73 is s").isTrue();
        assertThat(matches("PUT", "/v1/%6dodels/demo/workers")).isTrue();
        assertThat(matches("DELETE", "/v1/model%73/demo")).isTrue();
        assertThat(matches("PATCH", "/v1/models/demo")).isTrue();
        assertThat(matches("PUT", "/v1/models/demo/traffic"))
                .as("a canary's weights")
                .isTrue();
        assertThat(matches("DELETE", "/v1/models/demo/traffi%63")).isTrue();
        assertThat(matches("POST", "/v1/models/demo/anything-new"))
                .as("by default")
                .isTrue();
    }

    @Test
    void fineTuningAndEveryJobEndpointAreManagement() {
        assertThat(matches("POST", "/v1/models/demo/fine-tune")).isTrue();
        assertThat(matches("POST", "/v1/models/demo/fine-%74une")).isTrue();
        assertThat(matches("GET", "/v1/jobs"))
                .as("job lists name the data sets' classes")
                .isTrue();
        assertThat(matches("GET", "/v1/jobs/0b7c")).isTrue();
        assertThat(matches("DELETE", "/v1/jobs/0b7c")).isTrue();
        assertThat(matches("GET", "/v1/job%73/0b7c")).isTrue();
        assertThat(matches("OPTIONS", "/v1/jobs")).as("CORS preflight").isFalse();
        assertThat(matches("GET", "/v1/jobsx")).isFalse();
    }

    @Test
    void readingAndClassifyingAreNotManagement() {
        assertThat(matches("POST", "/v1/models/demo/explain"))
                .as("an explanation is inference")
                .isFalse();
        assertThat(matches("POST", "/v1/models/demo/versions/1/explain")).isFalse();
        assertThat(matches("GET", "/v1/models")).isFalse();
        assertThat(matches("GET", "/v1/models/demo")).isFalse();
        assertThat(matches("GET", "/v1/models/demo/traffic")).isFalse();
        assertThat(matches("POST", "/v1/models/demo/classify")).isFalse();
        assertThat(matches("POST", "/v1/models/demo/versions/2/classify")).isFalse();
        assertThat(matches("POST", "/v1/classify")).isFalse();
        assertThat(matches("POST", "/v2/models/demo/infer")).isFalse();
    }

    @Test
    void onlyLoopbackNamesAndLiteralsAreTheOperatorsHost() {
        assertThat(LoopbackOperatorFilter.loopbackHost("localhost")).isTrue();
        assertThat(LoopbackOperatorFilter.loopbackHost("127.0.0.1")).isTrue();
        assertThat(LoopbackOperatorFilter.loopbackHost("[::1]")).isTrue();
        assertThat(LoopbackOperatorFilter.loopbackHost("evil.example.com"))
                .as("a rebound name")
                .isFalse();
        assertThat(LoopbackOperatorFilter.loopbackHost("127.0.0.1.nip.io")).isFalse();
        assertThat(LoopbackOperatorFilter.loopbackHost(null)).isFalse();
        assertThat(LoopbackOperatorFilter.loopbackHost(" LocalHost ")).isTrue();
        assertThat(LoopbackOperatorFilter.loopbackHost("::1")).isTrue();
        assertThat(LoopbackOperatorFilter.loopbackHost("[0:0:0:0:0:0:0:1]")).isTrue();
        assertThat(LoopbackOperatorFilter.loopbackHost("127.255.0.9")).isTrue();
        assertThat(LoopbackOperatorFilter.loopbackHost("[::1"))
                .as("half a bracket")
                .isFalse();
        assertThat(LoopbackOperatorFilter.loopbackHost("::1]")).isFalse();
        assertThat(LoopbackOperatorFilter.loopbackHost("[::1x"))
                .as("a bracket opened, not closed: nothing is cut")
                .isFalse();
        assertThat(LoopbackOperatorFilter.loopbackHost("localhost.example.com")).isFalse();
        assertThat(LoopbackOperatorFilter.loopbackHost("127.0.0")).isFalse();
        assertThat(LoopbackOperatorFilter.loopbackHost("1127.0.0.1")).isFalse();
        assertThat(LoopbackOperatorFilter.loopbackHost("128.0.0.1")).isFalse();
        assertThat(LoopbackOperatorFilter.loopbackHost("[::2]")).isFalse();
        assertThat(LoopbackOperatorFilter.loopbackHost("")).isFalse();
    }

    private boolean matches(String method, String uri) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, uri);
        return management.matches(request);
    }
}
