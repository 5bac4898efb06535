package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.error.ServiceException;
import dev.resnetserve.model.AllowedLocations;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/** A management body is bounded whatever its headers say: HTTP/2 frames a body without either length header. */
class SmallBodyFilterTest {

    private final HandlerExceptionResolver errors = (request, response, handler, e) -> {
        response.setStatus(((ServiceException) e).code().status());
        return new ModelAndView();
    };
    private final SmallBodyFilter filter = new SmallBodyFilter(
            new ManagementPolicy(true, new AllowedLocations(List.of("classpath:models/")), 64 << 10),
            new RequestLimits(1 << 20, 1),
            errors);

    @Test
    void aLargeBodyWithoutContentLengthOrTransferEncodingIsRefused() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/models") {
            @Override
            public long getContentLengthLong() {
                return -1;
            }

            @Override
            public int getContentLength() {
                return -1;
            }
        };
        request.setContent(new byte[200 << 10]);
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicBoolean reached = new AtomicBoolean();

        filter.doFilter(request, response, (req, res) -> reached.set(true));

        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(reached).as("the handler never saw it").isFalse();
    }

    @Test
    void aBodylessGetPassesUntouched() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicBoolean reached = new AtomicBoolean();
        filter.doFilter(new MockHttpServletRequest("GET", "/v1/models"), response, (req, res) -> reached.set(true));
        assertThat(reached).isTrue();
        assertThat(response.getStatus()).isEqualTo(200);
    }
}
