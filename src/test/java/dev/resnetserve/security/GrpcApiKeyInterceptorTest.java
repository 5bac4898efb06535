package dev.resnetserve.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.api.grpc.proto.GRPCInferenceServiceGrpc;
import dev.resnetserve.api.grpc.proto.ModelInferRequest;
import dev.resnetserve.api.grpc.proto.ServerLiveRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.MetadataUtils;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API keys on gRPC: a real Netty server on a free port with the interceptor around the health service and an
 * inference service that answers nothing (UNIMPLEMENTED means the call got through).
 */
class GrpcApiKeyInterceptorTest {

    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        ApiKeys keys = new ApiKeys(List.of(
                new ApiKey("client", sha256("inference-key"), Set.of(Role.INFERENCE)),
                new ApiKey("scraper", sha256("metrics-key"), Set.of(Role.METRICS))));
        GrpcApiKeyInterceptor interceptor = new GrpcApiKeyInterceptor(keys);
        server = NettyServerBuilder.forPort(0)
                .addService(ServerInterceptors.intercept(
                        new GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase() {}, interceptor))
                .addService(ServerInterceptors.intercept(new HealthStatusManager().getHealthService(), interceptor))
                .build()
                .start();
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort())
                .usePlaintext()
                .build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void inferenceNeedsAnInferenceKey() {
        assertThat(infer(null)).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(infer("Bearer wrong-key")).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(infer("Bearer metrics-key")).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(infer("Bearer inference-key")).as("let through").isEqualTo(Status.Code.UNIMPLEMENTED);
    }

    @Test
    void healthAndLivenessStayOpen() {
        assertThat(HealthGrpc.newBlockingStub(channel)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus())
                .isNotNull();
        try {
            GRPCInferenceServiceGrpc.newBlockingStub(channel).serverLive(ServerLiveRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        }
    }

    private Status.Code infer(String authorization) {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub =
                GRPCInferenceServiceGrpc.newBlockingStub(channel);
        if (authorization != null) {
            Metadata headers = new Metadata();
            headers.put(GrpcApiKeyInterceptor.AUTHORIZATION, authorization);
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        try {
            stub.modelInfer(ModelInferRequest.newBuilder().setModelName("demo").build());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private static String sha256(String secret) {
        return HexFormat.of().formatHex(ApiKeys.sha256(secret));
    }
}
