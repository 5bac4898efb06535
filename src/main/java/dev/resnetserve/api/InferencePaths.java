package dev.resnetserve.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Pattern;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The inference endpoints of every protocol: /v1 classify, Open Inference Protocol infer, TorchServe predictions.
 * One pattern for the filters that count, admit and bound them; the model's name is in the first group that matched.
 */
final class InferencePaths {

    static final Pattern PATTERN = Pattern.compile("^/v1/(?:models/([^/]+)/(?:versions/[^/]+/)?)?classify/?$"
            + "|^/v2/models/([^/]+)(?:/versions/[^/]+)?/infer/?$|^/predictions/([^/]+)(?:/[^/]+)?/?$");

    private InferencePaths() {}

    static boolean matches(HttpServletRequest request) {
        return PATTERN.matcher(request.getRequestURI()).matches();
    }

    /** A filter for the inference endpoints only. */
    abstract static class Filter extends OncePerRequestFilter {

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return !matches(request);
        }
    }
}
