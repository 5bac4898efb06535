package dev.resnetserve.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resnetserve.api.grpc.proto.GRPCInferenceServiceGrpc;
import dev.resnetserve.api.grpc.proto.ModelInferRequest;
import dev.resnetserve.api.grpc.proto.ModelInferResponse;
import dev.resnetserve.api.grpc.proto.ServerLiveRequest;
import dev.resnetserve.api.grpc.proto.ServerMetadataRequest;
import dev.resnetserve.api.grpc.proto.ServerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.MetadataUtils;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
    void eachRefusalSaysWhy() {
        assertThat(call(Map.of()).getDescription())
                .isEqualTo("an API key is required: metadata 'authorization: Bearer <key>'");
        assertThat(call(Map.of(GrpcApiKeyInterceptor.AUTHORIZATION, "Bearer wrong-key"))
                        .getDescription())
                .isEqualTo("the API key is not valid");
        assertThat(call(Map.of(GrpcApiKeyInterceptor.API_KEY, "metrics-key")).getDescription())
                .isEqualTo("the API key may not use inference");
    }

    @Test
    void theKeyMayComeAsXApiKeyOrAsABearerOfAnyCase() {
        assertThat(call(Map.of(GrpcApiKeyInterceptor.API_KEY, "inference-key")).getCode())
                .isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(call(Map.of(GrpcApiKeyInterceptor.API_KEY, " inference-key "))
                        .getCode())
                .isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(call(Map.of(GrpcApiKeyInterceptor.API_KEY, "wrong-key")).getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(infer("bearer inference-key")).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(infer("BEARER  inference-key ")).isEqualTo(Status.Code.UNIMPLEMENTED);
    }

    @Test
    void theBearerKeyIsTheKeyWithoutItsSchemeAndComesFirst() {
        assertThat(infer("inference-key")).as("no scheme").isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(infer("Basic inference-key")).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(call(Map.of(
                                GrpcApiKeyInterceptor.AUTHORIZATION,
                                "Basic dXNlcjpwYXNz",
                                GrpcApiKeyInterceptor.API_KEY,
                                "inference-key"))
                        .getCode())
                .as("another scheme: the x-api-key counts")
                .isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(call(Map.of(
                                GrpcApiKeyInterceptor.AUTHORIZATION,
                                "Bearer wrong-key",
                                GrpcApiKeyInterceptor.API_KEY,
                                "inference-key"))
                        .getCode())
                .as("the bearer comes first")
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void healthLivenessAndReadinessStayOpen() {
        assertThat(HealthGrpc.newBlockingStub(channel)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus())
                .isNotNull();
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub =
                GRPCInferenceServiceGrpc.newBlockingStub(channel);
        assertThatThrownBy(() -> stub.serverLive(ServerLiveRequest.getDefaultInstance()))
                .as("let through to the service, which implements nothing")
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
        assertThatThrownBy(() -> stub.serverReady(ServerReadyRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
        assertThatThrownBy(() -> stub.serverMetadata(ServerMetadataRequest.getDefaultInstance()))
                .as("server metadata is inference's")
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    }

    /**
     * The interceptor's contract with the server, on a call that records what is done to it: a refused call is
     * closed with its status, never reaches the service, and still gets a listener (gRPC throws on a null one,
     * after the client has its answer, so no test through the network sees it); an accepted call is the service's.
     */
    @Test
    void aRefusedCallIsClosedWithAListenerAndNeverStarted() {
        GrpcApiKeyInterceptor interceptor = new GrpcApiKeyInterceptor(new ApiKeys(List.of(
                new ApiKey("client", sha256("inference-key"), Set.of(Role.INFERENCE)),
                new ApiKey("scraper", sha256("metrics-key"), Set.of(Role.METRICS)))));
        ServerCall.Listener<ModelInferRequest> serviceListener = new ServerCall.Listener<>() {};
        List<ServerCall<?, ?>> started = new ArrayList<>();
        ServerCallHandler<ModelInferRequest, ModelInferResponse> service = (call, headers) -> {
            started.add(call);
            return serviceListener;
        };

        for (Map.Entry<String, Status.Code> each : Map.of(
                        "", Status.Code.UNAUTHENTICATED,
                        "Bearer wrong-key", Status.Code.UNAUTHENTICATED,
                        "Bearer metrics-key", Status.Code.PERMISSION_DENIED)
                .entrySet()) {
            RecordingCall call = new RecordingCall();
            Metadata headers = new Metadata();
            if (!each.getKey().isEmpty()) {
                headers.put(GrpcApiKeyInterceptor.AUTHORIZATION, each.getKey());
            }

            ServerCall.Listener<ModelInferRequest> listener = interceptor.interceptCall(call, headers, service);

            assertThat(listener).as(each.getKey()).isNotNull().isNotSameAs(serviceListener);
            assertThat(call.closed).as(each.getKey()).isNotNull();
            assertThat(call.closed.getCode()).as(each.getKey()).isEqualTo(each.getValue());
            assertThat(started).as(each.getKey()).isEmpty();
        }

        RecordingCall accepted = new RecordingCall();
        Metadata headers = new Metadata();
        headers.put(GrpcApiKeyInterceptor.AUTHORIZATION, "Bearer inference-key");
        assertThat(interceptor.interceptCall(accepted, headers, service)).isSameAs(serviceListener);
        assertThat(started).containsExactly(accepted);
        assertThat(accepted.closed).isNull();
    }

    /** A call of ModelInfer that only records how it was closed. */
    private static final class RecordingCall extends ServerCall<ModelInferRequest, ModelInferResponse> {

        private Status closed;

        @Override
        public void request(int count) {}

        @Override
        public void sendHeaders(Metadata headers) {}

        @Override
        public void sendMessage(ModelInferResponse message) {}

        @Override
        public void close(Status status, Metadata trailers) {
            closed = status;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public MethodDescriptor<ModelInferRequest, ModelInferResponse> getMethodDescriptor() {
            return GRPCInferenceServiceGrpc.getModelInferMethod();
        }
    }

    private Status.Code infer(String authorization) {
        return call(authorization == null ? Map.of() : Map.of(GrpcApiKeyInterceptor.AUTHORIZATION, authorization))
                .getCode();
    }

    private Status call(Map<Metadata.Key<String>, String> metadata) {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub =
                GRPCInferenceServiceGrpc.newBlockingStub(channel);
        if (!metadata.isEmpty()) {
            Metadata headers = new Metadata();
            metadata.forEach(headers::put);
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        try {
            stub.modelInfer(ModelInferRequest.newBuilder().setModelName("demo").build());
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    private static String sha256(String secret) {
        return HexFormat.of().formatHex(ApiKeys.sha256(secret));
    }
}
