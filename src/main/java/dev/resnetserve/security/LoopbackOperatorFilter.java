package dev.resnetserve.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Without API keys: on a loopback-only server every caller is the machine's own operator (every role, so model
 * management, local paths and load errors are theirs); on any other address callers are anonymous and the
 * endpoints that change what is served answer 403 {@code management_disabled}. The operator must also name the
 * server as loopback in its {@code Host} header ({@code localhost}, {@code 127.x.x.x}, {@code [::1]}): a web page
 * whose own name was rebound to 127.0.0.1 (DNS rebinding) sends its name, and gets no role: it may classify, as
 * anyone may, and the management endpoints answer it 403 {@code management_disabled}. The name is the request's
 * server name (Tomcat's, from {@code Host} without the port).
 */
final class LoopbackOperatorFilter extends OncePerRequestFilter {

    static final String OPERATOR = "local-operator";
    private static final List<GrantedAuthority> EVERY_ROLE = Arrays.stream(Role.values())
            .map(role -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + role.name()))
            .toList();

    private final boolean loopback;
    private final RequestMatcher management;
    private final String listening;

    LoopbackOperatorFilter(ListenAddress address, RequestMatcher management) {
        this.loopback = address.loopbackOnly();
        this.management = management;
        this.listening = address.toString();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (loopback && loopbackHost(request.getServerName())) {
            SecurityContextHolder.getContext()
                    .setAuthentication(UsernamePasswordAuthenticationToken.authenticated(OPERATOR, null, EVERY_ROLE));
        } else if (management.matches(request)) {
            if (loopback) {
                ProblemResponses.notTheOperator(response);
            } else {
                ProblemResponses.managementDisabled(response, listening);
            }
            return;
        }
        chain.doFilter(request, response);
    }

    /** A loopback name or address literal; never resolved, so no DNS answer can make a name count. */
    static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.strip().toLowerCase(java.util.Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        return name.equals("localhost")
                || name.equals("::1")
                || name.equals("0:0:0:0:0:0:0:1")
                || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
