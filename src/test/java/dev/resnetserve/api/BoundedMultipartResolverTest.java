package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.MultipartHttpServletRequest;

/** The bounds of a multipart inference request, read by {@link BoundedMultipartResolver}. */
class BoundedMultipartResolverTest {

    private static final int MAX_FILE = 1000;
    private static final int MAX_PARTS = 3;

    private final BoundedMultipartResolver resolver =
            new BoundedMultipartResolver(new RequestLimits(MAX_FILE, 1, Duration.ofSeconds(30)), MAX_PARTS);

    @Test
    void filesAndFieldsAreReadWhenAHandlerFirstAsksForThem() throws Exception {
        MultipartHttpServletRequest request = resolver.resolveMultipart(request(
                body(file("image", "a.png", new byte[] {1, 2, 3}), field("topK", "3"), field("topK", "4"))));

        assertThat(request.getFile("image").getBytes()).containsExactly(1, 2, 3);
        assertThat(request.getFile("image").getOriginalFilename()).isEqualTo("a.png");
        assertThat(request.getFile("image").getContentType()).isEqualTo("image/png");
        assertThat(request.getParameterValues("topK")).containsExactly("3", "4");
        assertThat(request.getFile("other")).isNull();
    }

    @Test
    void aFileLargerThanTheBodyLimitIs413() {
        MultipartHttpServletRequest request =
                resolver.resolveMultipart(request(body(file("image", "a.png", new byte[MAX_FILE + 1]))));

        assertThatThrownBy(() -> request.getFile("image")).isInstanceOf(MaxUploadSizeExceededException.class);
    }

    @Test
    void aFileAtTheBodyLimitIsRead() throws Exception {
        MultipartHttpServletRequest request =
                resolver.resolveMultipart(request(body(file("image", "a.png", new byte[MAX_FILE]))));

        assertThat(request.getFile("image").getSize()).isEqualTo(MAX_FILE);
    }

    @Test
    void morePartsThanAllowedAreRefused() {
        MultipartHttpServletRequest request = resolver.resolveMultipart(request(
                body(field("a", "1"), field("b", "2"), field("c", "3"), file("image", "a.png", new byte[] {1}))));

        assertThatThrownBy(() -> request.getFile("image"))
                .isInstanceOf(MultipartException.class)
                .hasMessageContaining("more than 3");
    }

    @Test
    void aFieldLongerThan64KbIsRefused() {
        MultipartHttpServletRequest request =
                resolver.resolveMultipart(request(body(field("topK", "9".repeat(64 * 1024 + 1)))));

        assertThatThrownBy(() -> request.getParameter("topK")).isInstanceOf(MultipartException.class);
    }

    @Test
    void aTruncatedBodyIsAMultipartError() {
        byte[] whole = body(file("image", "a.png", new byte[] {1, 2, 3}));
        MultipartHttpServletRequest request =
                resolver.resolveMultipart(request(java.util.Arrays.copyOf(whole, whole.length - 10)));

        assertThatThrownBy(() -> request.getFile("image")).isInstanceOf(MultipartException.class);
    }

    private static MockHttpServletRequest request(byte[] body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/classify");
        request.setContentType("multipart/form-data; boundary=b");
        request.setContent(body);
        return request;
    }

    private static byte[] body(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        out.writeBytes("--b--\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] file(String name, String filename, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--b\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                        + "\"\r\nContent-Type: image/png\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(content);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] field(String name, String value) {
        return ("--b\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
