package dev.resnetserve.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The image built from the repository's Dockerfile and the jar of this build, run as production runs it: read-only
 * root filesystem with a tmpfs on /tmp, no network access needed, port on loopback. It must classify, expose its
 * metrics, report healthy through its own HEALTHCHECK, and on SIGTERM answer every request it accepted, refuse new
 * connections and stop cleanly within the grace period.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerImageIT {

    static final String IMAGE = "resnet-serve:it";
    private static final Duration GRACE = Duration.ofSeconds(45);
    private static final int IN_FLIGHT = 6;
    private static final String REFUSED = "refused";

    private static GenericContainer<?> container;
    private static ApiClient client;

    @BeforeAll
    static void buildAndStart() {
        container = new GenericContainer<>(buildImage())
                .withExposedPorts(8080)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withReadonlyRootfs(true)
                        .withTmpFs(Map.of("/tmp", "rw,size=256m"))
                        .withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(8080))))
                .waitingFor(Wait.forHttp("/actuator/health/readiness")
                        .forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(3)));
        container.start();
        client = new ApiClient(container.getMappedPort(8080));
    }

    /** The real Dockerfile and the jar only, as its .dockerignore allows; layers are cached between runs. */
    static ImageFromDockerfile buildImage() {
        return new ImageFromDockerfile(IMAGE, false)
                .withFileFromPath("Dockerfile", Path.of("Dockerfile").toAbsolutePath())
                .withFileFromPath(
                        "target/resnet-serve.jar",
                        Path.of("target/resnet-serve.jar").toAbsolutePath())
                .withBuildArg("BASE_IMAGE", System.getProperty("docker.base.image", "eclipse-temurin:17-jre"));
    }

    @AfterAll
    static void remove() {
        if (container != null) {
            container.stop();
        }
    }

    @Test
    @Order(1)
    void classifiesWithTheBundledModelOnAReadOnlyRootFilesystem() {
        ApiClient.Response response =
                client.post("/v1/classify", "image/jpeg", Fixtures.bytes("shapes-pil/000-circle.jpg"));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("model").asString()).isEqualTo("demo");
        assertThat(response.json().get("predictions").get(0).get("label").asString())
                .isEqualTo("circle");
        assertThat(container.getLogs())
                .as("the image has libturbojpeg, and JNA can load it on a read-only root")
                .contains("JPEG decoding: libjpeg-turbo");
        assertThat(container.getLogs())
                .as("the image's glibc takes the settings that keep freed tensor memory")
                .contains("freed native memory kept=true");
    }

    @Test
    @Order(2)
    void listeningOnEveryAddressWithoutKeysNobodyChangesWhatIsServed() {
        ApiClient.Response register = client.post(
                "/v1/models", "application/json", "{\"name\":\"evil\",\"location\":\"file:/models/x.pt\"}".getBytes());

        assertThat(register.status()).as(register.body()).isEqualTo(403);
        assertThat(register.json().get("code").asString()).isEqualTo("management_disabled");
        assertThat(client.delete("/v1/models/demo").status()).isEqualTo(403);
        assertThat(client.get("/v1/models/demo").body())
                .as("no location for an anonymous caller")
                .doesNotContain("classpath:");
        assertThat(container.getLogs()).contains("model management is CLOSED");
    }

    @Test
    @Order(2)
    void exposesPrometheusMetrics() {
        ApiClient.Response metrics = client.get("/actuator/prometheus");

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("inference_requests_total{model=\"demo\",outcome=\"success\",version=\"1\"}")
                .contains("inference_model_ready{model=\"demo\"} 1");
    }

    @Test
    @Order(3)
    void runsAsItsOwnUserAndReportsHealthyThroughItsHealthcheck() throws InterruptedException {
        InspectContainerResponse inspect =
                docker().inspectContainerCmd(container.getContainerId()).exec();
        assertThat(inspect.getConfig().getUser()).isEqualTo("10001:10001");

        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String health = healthStatus();
        while (!"healthy".equals(health) && System.nanoTime() < deadline) {
            assertThat(health).isNotEqualTo("unhealthy");
            Thread.sleep(1000); // polls Docker's own health state; nothing is timed
            health = healthStatus();
        }
        assertThat(health).isEqualTo("healthy");
    }

    /**
     * SIGTERM with requests in flight. Each in-flight request has sent its headers and half its image, so the
     * service has accepted it and is reading its body (the service's own {@code http_server_requests_active} count
     * says so) when the signal comes. Once new connections are refused (the shutdown has begun), the rest of each
     * body is sent: every one must get its 200 from the demo model, and the container must exit within the grace
     * period, with the JVM's status for SIGTERM (143, as {@code docker stop} sees it) and a clean log.
     */
    @Test
    @Order(4)
    void answersEveryAcceptedRequestAndStopsCleanlyOnSigterm() throws Exception {
        byte[] image = Fixtures.bytes("parity/chelsea.jpg");
        int half = image.length / 2;
        int port = container.getMappedPort(8080);
        assertThat(probeNewConnection(port))
                .as("a new connection before SIGTERM")
                .startsWith("HTTP/1.1 200");
        List<Socket> inFlight = new ArrayList<>();
        try {
            for (int i = 0; i < IN_FLIGHT; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout((int) GRACE.toMillis());
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/classify HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/jpeg\r\n"
                                + "Content-Length: " + image.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(image, 0, half);
                out.flush();
                inFlight.add(socket);
            }
            awaitActivePosts(IN_FLIGHT);

            DockerClient docker = docker();
            docker.killContainerCmd(container.getContainerId())
                    .withSignal("TERM")
                    .exec();

            List<String> probes = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            String probe = probeNewConnection(port);
            probes.add(probe);
            while (!REFUSED.equals(probe) && System.nanoTime() < deadline) {
                probe = probeNewConnection(port);
                probes.add(probe);
            }
            assertThat(probe).as("new connections after SIGTERM: %s", probes).isEqualTo(REFUSED);
            System.out.println("new connections after SIGTERM: " + probes);

            for (Socket socket : inFlight) {
                socket.getOutputStream().write(image, half, image.length - half);
                socket.getOutputStream().flush();
            }
            for (Socket socket : inFlight) {
                String answer = readAll(socket);
                assertThat(answer).as("an accepted request's answer").startsWith("HTTP/1.1 200");
                assertThat(answer).contains("\"model\":\"demo\"");
            }

            Integer exitCode = docker.waitContainerCmd(container.getContainerId())
                    .start()
                    .awaitStatusCode(GRACE.toSeconds(), TimeUnit.SECONDS);

            String logs = container.getLogs();
            assertThat(exitCode).as("JVM exit on SIGTERM (128 + 15)").isEqualTo(143);
            assertThat(logs)
                    .contains("Commencing graceful shutdown. Waiting for active requests to complete")
                    .contains("Graceful shutdown complete")
                    .contains("model 'demo' stopped and released")
                    .doesNotContain("Exception");
        } finally {
            for (Socket socket : inFlight) {
                socket.close();
            }
        }
    }

    /** Waits until the service itself counts {@code n} POSTs in progress (from its Prometheus exposition). */
    private static void awaitActivePosts(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        double active = activePosts();
        while (active < n && System.nanoTime() < deadline) {
            Thread.sleep(100); // polls the service's own count; nothing is timed
            active = activePosts();
        }
        assertThat(active)
                .as("requests the service is reading when SIGTERM is sent")
                .isEqualTo(n);
    }

    private static double activePosts() {
        return client.get("/actuator/prometheus")
                .body()
                .lines()
                .filter(line -> line.startsWith("http_server_requests_active_seconds_count{")
                        && line.contains("method=\"POST\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /**
     * A liveness request on a new connection: its status line, or {@link #REFUSED} when the connection is refused
     * or closed without an answer (Docker's port proxy accepts on the host and closes when the container refuses).
     */
    private static String probeNewConnection(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write("GET /actuator/health/liveness HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(socket);
            return answer.isEmpty() ? REFUSED : answer.lines().findFirst().orElseThrow();
        } catch (SocketException refused) { // ConnectException, or a reset
            return REFUSED;
        } catch (IOException e) {
            return "no answer: " + e;
        }
    }

    private static String readAll(Socket socket) throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String healthStatus() {
        return docker().inspectContainerCmd(container.getContainerId())
                .exec()
                .getState()
                .getHealth()
                .getStatus();
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }
}
