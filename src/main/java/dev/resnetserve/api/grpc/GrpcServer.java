package dev.resnetserve.api.grpc;

import dev.resnetserve.api.grpc.proto.GRPCInferenceServiceGrpc;
import dev.resnetserve.inference.ModelRegistry;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The gRPC server: {@code inference.GRPCInferenceService}, {@code grpc.health.v1.Health} and server reflection on
 * Netty, started with the application and stopped gracefully before the models (in the web server's graceful
 * shutdown phase): it takes no new calls, lets those running finish within the shutdown grace, then cancels the
 * rest. Health: the service {@code ""} is SERVING while the server runs (liveness), and
 * {@code inference.GRPCInferenceService} SERVING while every model is ready (readiness), NOT_SERVING otherwise.
 */
public final class GrpcServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);

    static final String INFERENCE_SERVICE = GRPCInferenceServiceGrpc.SERVICE_NAME;

    private final GrpcInferenceService inference;
    private final ModelRegistry registry;
    private final Settings settings;
    private final List<ServerInterceptor> interceptors;
    private volatile Server server;
    private volatile HealthStatusManager health;
    private volatile ScheduledExecutorService readiness;

    /**
     * @param address         where to listen; {@code null}: every interface
     * @param port            the port; 0: no server
     * @param maxMessageBytes the largest message a client may send
     * @param shutdownGrace   how long running calls may take to finish when the service stops
     */
    public record Settings(String address, int port, int maxMessageBytes, Duration shutdownGrace) {}

    /**
     * @param interceptors around every service (API keys), outermost first
     */
    public GrpcServer(
            GrpcInferenceService inference,
            ModelRegistry registry,
            Settings settings,
            List<ServerInterceptor> interceptors) {
        this.inference = inference;
        this.registry = registry;
        this.settings = settings;
        this.interceptors = List.copyOf(interceptors);
    }

    @Override
    public void start() {
        HealthStatusManager status = new HealthStatusManager();
        NettyServerBuilder builder = (settings.address() == null
                        ? NettyServerBuilder.forPort(settings.port())
                        : NettyServerBuilder.forAddress(new InetSocketAddress(settings.address(), settings.port())))
                .maxInboundMessageSize(settings.maxMessageBytes())
                .addService(intercepted(inference))
                .addService(intercepted(status.getHealthService()))
                .addService(intercepted(ProtoReflectionServiceV1.newInstance()));
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "gRPC cannot listen on " + (settings.address() == null ? "*" : settings.address()) + ":"
                            + settings.port() + " (resnet.grpc.port; 0 turns gRPC off)",
                    e);
        }
        health = status;
        readiness = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "grpc-health");
            thread.setDaemon(true);
            return thread;
        });
        readiness.scheduleWithFixedDelay(this::updateHealth, 0, 1, TimeUnit.SECONDS);
        log.info(
                "gRPC (Open Inference Protocol, health, reflection) on {}:{}, messages up to {} bytes",
                settings.address() == null ? "*" : settings.address(),
                server.getPort(),
                settings.maxMessageBytes());
    }

    private io.grpc.ServerServiceDefinition intercepted(BindableService service) {
        return ServerInterceptors.interceptForward(service, interceptors);
    }

    private void updateHealth() {
        HealthStatusManager status = health;
        if (status != null) {
            status.setStatus("", ServingStatus.SERVING);
            status.setStatus(
                    INFERENCE_SERVICE, registry.allReady() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
        }
    }

    @Override
    public void stop() {
        Server running = server;
        if (running == null) {
            return;
        }
        readiness.shutdownNow();
        health.enterTerminalState();
        running.shutdown();
        try {
            if (!running.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("gRPC calls still running after {}; cancelling them", settings.shutdownGrace());
                running.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            running.shutdownNow();
            Thread.currentThread().interrupt();
        }
        server = null;
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    @Override
    public boolean isAutoStartup() {
        return settings.port() != 0;
    }

    /** Stops with the web server's graceful shutdown, before the models (whose phase is lower). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }

    /** The port it listens on, once started. */
    public int port() {
        Server running = server;
        return running == null ? -1 : running.getPort();
    }
}
