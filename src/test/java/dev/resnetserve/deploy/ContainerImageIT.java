package dev.resnetserve.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
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
 * metrics, report healthy through its own HEALTHCHECK, and stop cleanly on SIGTERM within the grace period.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerImageIT {

    static final String IMAGE = "resnet-serve:it";
    private static final Duration GRACE = Duration.ofSeconds(45);

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

    @Test
    @Order(4)
    void stopsCleanlyOnSigtermWithinTheGracePeriod() {
        DockerClient docker = docker();
        docker.killContainerCmd(container.getContainerId()).withSignal("TERM").exec();

        Integer exitCode = docker.waitContainerCmd(container.getContainerId())
                .start()
                .awaitStatusCode(GRACE.toSeconds(), TimeUnit.SECONDS);

        String logs = container.getLogs();
        assertThat(exitCode).as("JVM exit on SIGTERM (128 + 15)").isEqualTo(143);
        assertThat(logs)
                .contains("Graceful shutdown complete")
                .contains("model 'demo' stopped and released")
                .doesNotContain("Exception");
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
