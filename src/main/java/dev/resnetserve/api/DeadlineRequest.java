package dev.resnetserve.api;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;

/**
 * A request whose body must arrive whole before a deadline: once it has passed, the next read of the body throws 408
 * {@code body_timeout}. A read that blocks is bounded by the connection timeout, so a client trickling its body
 * holds the thread for at most the deadline plus one connection timeout.
 */
final class DeadlineRequest extends HttpServletRequestWrapper {

    private final long deadlineNanos;
    private final String message;

    /**
     * @param deadlineNanos {@link System#nanoTime()} after which the body may not be read further
     * @param message       the 408's detail: which setting bounded it
     */
    DeadlineRequest(HttpServletRequest request, long deadlineNanos, String message) {
        super(request);
        this.deadlineNanos = deadlineNanos;
        this.message = message;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        ServletInputStream in = super.getInputStream();
        return new ServletInputStream() {
            @Override
            public int read() throws IOException {
                check();
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                check();
                return in.read(b, off, len);
            }

            private void check() {
                if (System.nanoTime() - deadlineNanos > 0) {
                    throw new ServiceException(ErrorCode.BODY_TIMEOUT, message);
                }
            }

            @Override
            public boolean isFinished() {
                return in.isFinished();
            }

            @Override
            public boolean isReady() {
                return in.isReady();
            }

            @Override
            public void setReadListener(ReadListener listener) {
                in.setReadListener(listener);
            }
        };
    }
}
