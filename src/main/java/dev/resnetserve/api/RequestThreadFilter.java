package dev.resnetserve.api;

import dev.resnetserve.serving.ConcurrentRequests;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Takes a request thread lent to inference ({@link ConcurrentRequests}) for an inference request BEFORE its body
 * is read: a client that trickles its body, or a multipart upload being parsed, holds one of those threads and
 * never one of those kept for health probes, metrics and management. A request past the cap is answered 503
 * {@code server_busy} at once, in its protocol's shape (the handler's own error advice writes it). Runs after
 * Spring Security's filters (order -100), so unauthenticated requests take no permit.
 */
@Component
@Order(0)
class RequestThreadFilter extends InferencePaths.Filter {

    private final ConcurrentRequests concurrent;
    private final HandlerMapping handlers;
    private final HandlerExceptionResolver errors;

    RequestThreadFilter(
            ConcurrentRequests concurrent,
            @Qualifier("requestMappingHandlerMapping") HandlerMapping handlers,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
        this.concurrent = concurrent;
        this.handlers = handlers;
        this.errors = errors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!concurrent.tryAcquireRequestThread()) {
            errors.resolveException(request, response, handlerOf(request), concurrent.busy());
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            concurrent.releaseRequestThread();
        }
    }

    /** The controller method that would have answered, so that its protocol's error advice dresses the refusal. */
    private Object handlerOf(HttpServletRequest request) {
        try {
            HandlerExecutionChain handler = handlers.getHandler(request);
            return handler == null ? null : handler.getHandler();
        } catch (Exception noneMatches) {
            return null; // problem+json, the service's default
        }
    }
}
