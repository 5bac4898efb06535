package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** Admission, counting and body bounds see an inference request whatever its path's encoding. */
class InferencePathsTest {

    @Test
    void encodedInferencePathsAreInferencePaths() {
        assertThat(matches("/v1/classify")).isTrue();
        assertThat(matches("/v1/%63lassify")).isTrue();
        assertThat(matches("/v1/models/demo/%63lassify")).isTrue();
        assertThat(matches("/v2/models/demo/%69nfer")).isTrue();
        assertThat(matches("/%70redictions/demo")).isTrue();
        assertThat(matches("/v1/models/demo/%65xplain")).isTrue();
        assertThat(matches("/v1/models/demo/versions/1/explain")).isTrue();
        assertThat(matches("/v1/explain")).as("explain names its model").isFalse();
        assertThat(matches("/v1/models")).isFalse();
    }

    @Test
    void theContextPathIsNotPartOfIt() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/classify");
        request.setContextPath("/api");
        assertThat(InferencePaths.matches(request)).isTrue();
    }

    private static boolean matches(String uri) {
        return InferencePaths.matches(new MockHttpServletRequest("POST", uri));
    }
}
