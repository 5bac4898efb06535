package dev.resnetserve.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Pattern;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.util.UrlPathHelper;

/**
 * The endpoints that change what is served: registering, removing, switching and scaling models. One matcher, used
 * by the API-key rules and by the loopback gate alike, so an endpoint of that kind added later is protected by both.
 * It matches the path as the handlers are mapped, decoded and within the application ({@code POST /v1/model%73} is
 * {@code POST /v1/models}), and by default: every method but GET, HEAD and OPTIONS under {@code /v1/models} is
 * management, except classification and explanation (fine-tuning, {@code POST /v1/models/{base}/fine-tune}, is management); and
 * every method on the fine-tuning jobs, {@code /v1/jobs}, which name the data sets' classes.
 */
final class ManagementEndpoints implements RequestMatcher {

    private static final String MODELS = "/v1/models";
    private static final String JOBS = "/v1/jobs";
    private static final Pattern CLASSIFY =
            Pattern.compile("^/v1/models/[^/]+/(?:versions/[^/]+/)?(?:classify|explain)/?$");

    @Override
    public boolean matches(HttpServletRequest request) {
        String path = UrlPathHelper.defaultInstance.getPathWithinApplication(request);
        String method = request.getMethod();
        if (!HttpMethod.OPTIONS.matches(method) && (path.equals(JOBS) || path.startsWith(JOBS + "/"))) {
            return true;
        }
        if (HttpMethod.GET.matches(method) || HttpMethod.HEAD.matches(method) || HttpMethod.OPTIONS.matches(method)) {
            return false;
        }
        boolean underModels = path.equals(MODELS) || path.startsWith(MODELS + "/");
        boolean classification =
                HttpMethod.POST.matches(method) && CLASSIFY.matcher(path).matches();
        return underModels && !classification;
    }
}
