package dev.resnetserve.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Pattern;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * The inference endpoints of every protocol: /v1 classify and explain, Open Inference Protocol infer, TorchServe
 * predictions.
 * One pattern for the filters that count, admit and bound them; the model's name is in the first group that matched.
 */
final class InferencePaths {

    static final Pattern PATTERN = Pattern.compile("^/v1/(?:models/([^/]+)/(?:versions/[^/]+/)?)?classify/?$"
            + "|^/v1/models/([^/]+)/(?:versions/[^/]+/)?explain/?$"
            + "|^/v2/models/([^/]+)(?:/versions/[^/]+)?/infer/?$|^/predictions/([^/]+)(?:/[^/]+)?/?$");

    private InferencePaths() {}

    /** An explanation ({@code POST /v1/models/{m}/explain}), counted apart from classifications. */
    static final Pattern EXPLAIN = Pattern.compile("^/v1/models/[^/]+/(?:versions/[^/]+/)?explain/?$");

    static boolean matches(HttpServletRequest request) {
        return PATTERN.matcher(path(request)).matches();
    }

    /**
     * The path as the handlers are mapped: decoded and within the application, so {@code /v1/%63lassify} is
     * {@code /v1/classify} here as it is to Spring MVC (matching the raw URI let such a request skip admission).
     */
    static String path(HttpServletRequest request) {
        return UrlPathHelper.defaultInstance.getPathWithinApplication(request);
    }

    /** A filter for the inference endpoints only. */
    abstract static class Filter extends OncePerRequestFilter {

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return !matches(request);
        }
    }
}
