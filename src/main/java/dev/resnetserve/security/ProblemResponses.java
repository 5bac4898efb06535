package dev.resnetserve.security;

import dev.resnetserve.error.ErrorCode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/** 401 and 403 as RFC 9457 problem details with a {@code code}, like every other error of the service. */
final class ProblemResponses {

    private ProblemResponses() {}

    static AuthenticationEntryPoint unauthorized() {
        return (request, response, failure) -> {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            write(
                    response,
                    ErrorCode.UNAUTHORIZED,
                    "Unauthorized",
                    "send a valid API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'");
        };
    }

    static AccessDeniedHandler forbidden() {
        return (request, response, denied) ->
                write(response, ErrorCode.FORBIDDEN, "Forbidden", "this API key may not use this endpoint");
    }

    /** Without API keys on a server others can reach, nobody may change what it serves. */
    static void managementDisabled(HttpServletResponse response, String listening) throws IOException {
        write(
                response,
                ErrorCode.MANAGEMENT_DISABLED,
                "Forbidden",
                "model management is closed: the server "
                        + "listens on " + listening + " without API keys. Turn on resnet.security.enabled with a key "
                        + "holding the MANAGEMENT role (README, Security), or listen on 127.0.0.1 only");
    }

    /**
     * On a loopback-only server without API keys, a request whose {@code Host} names something else: a page whose
     * name was rebound to 127.0.0.1. The name it sent is not echoed.
     */
    static void notTheOperator(HttpServletResponse response) throws IOException {
        write(
                response,
                ErrorCode.MANAGEMENT_DISABLED,
                "Forbidden",
                "model management on this loopback-only server is for requests that name it as loopback "
                        + "(Host: localhost, 127.x.x.x or [::1])");
    }

    private static void write(HttpServletResponse response, ErrorCode error, String title, String detail)
            throws IOException {
        int status = error.status();
        String code = error.code();
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream()
                .write(("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\""
                                + detail + "\",\"code\":\"" + code + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
    }
}
