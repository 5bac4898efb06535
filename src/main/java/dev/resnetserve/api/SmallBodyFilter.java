package dev.resnetserve.api;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Every request body that is not an inference request's (model management's JSON, anything sent to another path) is
 * small: at most {@code resnet.management.max-body-size}, arriving within the body-read timeout, refused with 413
 * {@code body_too_large} or 408 {@code body_timeout} before any handler parses it. Fine-tuning uploads have bounds
 * of their own ({@link UploadLimits}), which their controller applies as it streams them.
 */
@Component
@Order(1)
class SmallBodyFilter extends OncePerRequestFilter {

    static final java.util.regex.Pattern FINE_TUNE = java.util.regex.Pattern.compile("^/v1/models/[^/]+/fine-tune/?$");

    private final RequestLimits limits;
    private final HandlerExceptionResolver errors;

    SmallBodyFilter(
            ManagementPolicy policy,
            RequestLimits inference,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
        this.limits = new RequestLimits(policy.maxBodyBytes(), 1, inference.bodyReadTimeout());
        this.errors = errors;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // a body may come without Content-Length or Transfer-Encoding (HTTP/2 frames it itself): any method that
        // carries one is read through the bound, whatever its headers say
        boolean bodyMethod = List.of("POST", "PUT", "PATCH", "DELETE").contains(request.getMethod());
        return InferencePaths.matches(request)
                || FINE_TUNE.matcher(InferencePaths.path(request)).matches()
                || (!bodyMethod
                        && request.getContentLengthLong() <= 0
                        && request.getHeader("Transfer-Encoding") == null);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] body;
        try {
            body = RequestBodyReader.read(request.getInputStream(), request.getContentLengthLong(), limits);
        } catch (ServiceException refused) {
            if (refused.code() != ErrorCode.EMPTY_BODY) {
                errors.resolveException(request, response, null, refused);
                return;
            }
            body = new byte[0];
        }
        chain.doFilter(new CachedBody(request, body), response);
    }

    /** The request with its body already in memory. */
    private static final class CachedBody extends HttpServletRequestWrapper {

        private final byte[] body;

        CachedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
