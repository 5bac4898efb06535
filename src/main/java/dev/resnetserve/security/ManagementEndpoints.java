package dev.resnetserve.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The endpoints that change what is served: registering, removing, switching and scaling models. One matcher, used
 * by the API-key rules and by the loopback gate alike, so an endpoint of that kind added later is protected by both.
 */
final class ManagementEndpoints implements RequestMatcher {

    private static final String MODELS = "/v1/models";

    @Override
    public boolean matches(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String method = request.getMethod();
        if (HttpMethod.POST.matches(method)) {
            return path.equals(MODELS) || path.equals(MODELS + "/");
        }
        return (HttpMethod.PUT.matches(method) || HttpMethod.DELETE.matches(method) || HttpMethod.PATCH.matches(method))
                && path.startsWith(MODELS + "/");
    }
}
