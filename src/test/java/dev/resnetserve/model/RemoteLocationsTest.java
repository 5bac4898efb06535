package dev.resnetserve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * A model or labels URL is fetched from the host it names: a redirect to another server is not followed (the
 * allowed host is the only one the server fetches from), one on the same server is. Served by a real HTTP server.
 */
class RemoteLocationsTest {

    @TempDir
    Path work;

    private HttpServer server;
    private final AtomicInteger elsewhere = new AtomicInteger();
    private String base;

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int port = server.getAddress().getPort();
        base = "http://127.0.0.1:" + port;
        // "localhost" is another server name: the same machine, but not the host that was allowed
        redirect("/away/model.pt", "http://localhost:" + port + "/elsewhere/model.pt");
        redirect("/away/labels.txt", "http://localhost:" + port + "/elsewhere/labels.txt");
        redirect("/near/labels.txt", "/files/labels.txt");
        server.createContext("/elsewhere/", exchange -> {
            elsewhere.incrementAndGet();
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("a\n".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        });
        server.createContext("/files/labels.txt", exchange -> {
            byte[] body = "cat\ndog\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aModelUrlRedirectingToAnotherServerIsNotFollowed() {
        ModelLocator locator = new ModelLocator(new PathMatchingResourcePatternResolver(), work);
        assertThatThrownBy(() -> locator.locate("m", "1", base + "/away/model.pt"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("redirects to another server");
        assertThat(elsewhere).hasValue(0);
    }

    @Test
    void labelsAreFetchedWithoutRedirects() {
        ModelLoader loader = ModelLoader.standalone(work);
        ModelArtifact none = new ModelArtifact(
                Optional.empty(), Optional.empty(), Optional.empty(), ModelFormat.TORCHSCRIPT, Optional.empty());
        assertThatThrownBy(() -> loader.labels(spec(base + "/away/labels.txt"), none))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("redirects are not followed");
        assertThat(elsewhere).hasValue(0);
        assertThat(loader.labels(spec(base + "/files/labels.txt"), none)
                        .orElseThrow()
                        .size())
                .isEqualTo(2);
    }

    private void redirect(String path, String location) {
        server.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
    }

    private static ModelSpec spec(String labels) {
        return new ModelSpec("m", "1", "unused", Optional.of(labels), Optional.empty(), Optional.empty());
    }
}
