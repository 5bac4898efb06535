package dev.resnetserve.api;

import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.serving.ClassificationObserver;
import dev.resnetserve.serving.Outcome;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Matcher;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Reports the outcome and duration of every inference request, whatever the protocol, including those refused before a controller
 * runs (unsupported media type, oversized upload). Unknown model names are reported as {@code _unknown}, so that
 * clients cannot create metric series at will.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5) // around every filter that can refuse a request, ContentTypeFilter included
class ClassificationOutcomeFilter extends InferencePaths.Filter {

    private final ModelRegistry registry;
    private final ClassificationObserver observer;

    ClassificationOutcomeFilter(ModelRegistry registry, ClassificationObserver observer) {
        this.registry = registry;
        this.observer = observer;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            Matcher path = InferencePaths.PATTERN.matcher(InferencePaths.path(request));
            String model = path.matches() ? modelIn(path) : registry.defaultModelName();
            String known = registry.serves(model) ? model : "_unknown";
            Outcome outcome = Outcome.of(
                    response.getStatus(),
                    (String) request.getAttribute(OutcomeCodes.ATTRIBUTE),
                    Boolean.TRUE.equals(request.getAttribute(OutcomeCodes.REFUSED_AT_ONCE)));
            long nanos = System.nanoTime() - start;
            if (InferencePaths.EXPLAIN.matcher(InferencePaths.path(request)).matches()) {
                observer.explanationFinished(known, outcome, nanos);
            } else {
                Object version = request.getAttribute(OutcomeCodes.VERSION);
                observer.requestFinished(
                        known,
                        version instanceof String chosen ? chosen : ClassificationObserver.NO_VERSION,
                        outcome,
                        nanos);
            }
        }
    }

    private String modelIn(Matcher path) {
        for (int group = 1; group <= path.groupCount(); group++) {
            if (path.group(group) != null) {
                return path.group(group);
            }
        }
        return registry.defaultModelName();
    }
}
