package dev.resnetserve.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import dev.resnetserve.api.grpc.proto.GRPCInferenceServiceGrpc;
import dev.resnetserve.api.grpc.proto.InferTensorContents;
import dev.resnetserve.api.grpc.proto.ModelInferRequest;
import dev.resnetserve.api.grpc.proto.ModelInferResponse;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import dev.resnetserve.support.HeldBatches;
import dev.resnetserve.support.Ports;
import dev.resnetserve.support.Readiness;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * gRPC under overload, end to end: the only worker held inside a batch ({@link HeldBatches}), a queue of two. A call
 * beyond the queue is refused at once with UNAVAILABLE and a retry hint; a call whose client deadline passes while
 * it waits ends with DEADLINE_EXCEEDED and is counted by the service as a timeout, though the model's own request
 * timeout is ten minutes: the client's deadline became the request's.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "resnet.models.demo.workers=1",
            "resnet.models.demo.batch.max-size=1",
            "resnet.models.demo.batch.max-delay=0ms",
            "resnet.models.demo.queue-capacity=2",
            "resnet.models.demo.request-timeout=10m"
        })
@Import(HeldBatches.Configuration.class)
@DirtiesContext
class GrpcOverloadTest {

    private static final int GRPC_PORT = Ports.free();

    @DynamicPropertySource
    static void grpcPort(DynamicPropertyRegistry properties) {
        properties.add("resnet.grpc.port", () -> GRPC_PORT);
    }

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Autowired
    HeldBatches held;

    private ManagedChannel channel;

    @BeforeEach
    void connect() throws InterruptedException {
        Readiness.await(registry);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", GRPC_PORT)
                .usePlaintext()
                .build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        held.release();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void beyondAFullQueueIsUnavailableWithARetryHintAndTheQueuedAreServed() throws Exception {
        held.hold();
        List<ListenableFuture<ModelInferResponse>> admitted = new ArrayList<>();
        admitted.add(async(60_000).modelInfer(shape()));
        assertThat(held.awaitHeld()).as("the worker is inside a batch").isTrue();
        admitted.add(async(60_000).modelInfer(shape()));
        admitted.add(async(60_000).modelInfer(shape()));
        awaitQueued(2);

        StatusRuntimeException refused = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(60, TimeUnit.SECONDS)
                        .modelInfer(shape()));

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(refused.getStatus().getDescription()).contains("queue");
        RetryInfo retry = StatusProto.fromThrowable(refused).getDetailsList().stream()
                .filter(detail -> detail.is(RetryInfo.class))
                .findFirst()
                .orElseThrow()
                .unpack(RetryInfo.class);
        assertThat(retry.getRetryDelay().getSeconds()).isPositive();

        held.release();
        for (ListenableFuture<ModelInferResponse> call : admitted) {
            assertThat(call.get(60, TimeUnit.SECONDS).getModelName()).isEqualTo("demo");
        }
    }

    @Test
    void theClientsDeadlineIsTheRequestsDeadline() throws Exception {
        double timeoutsBefore = timeouts();
        held.hold();
        ListenableFuture<ModelInferResponse> first = async(60_000).modelInfer(shape());
        assertThat(held.awaitHeld()).as("the worker is inside a batch").isTrue();

        StatusRuntimeException late = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(800, TimeUnit.MILLISECONDS)
                        .modelInfer(shape()));
        assertThat(late.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);

        // the service gave up on it too (its own timeout is ten minutes) and counted a timeout; the dead entry leaves
        // the queue when the worker next takes from it
        for (int i = 0; i < 600 && timeouts() <= timeoutsBefore; i++) {
            Thread.sleep(100); // waits for the service's answer to be counted; nothing is timed
        }
        assertThat(timeouts()).as("timeouts counted").isEqualTo(timeoutsBefore + 1);
        held.release();
        assertThat(first.get(60, TimeUnit.SECONDS).getModelName()).isEqualTo("demo");
    }

    private GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub async(long deadlineMillis) {
        return GRPCInferenceServiceGrpc.newFutureStub(channel).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    private static ModelInferRequest shape() {
        return ModelInferRequest.newBuilder()
                .setModelName("demo")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("image")
                        .setDatatype("BYTES")
                        .addShape(1)
                        .setContents(InferTensorContents.newBuilder()
                                .addBytesContents(ByteString.copyFrom(Fixtures.bytes("shapes-pil/002-triangle.png")))))
                .build();
    }

    /** inference_requests_total of the demo model with outcome timeout, summed over versions (0 when absent). */
    private double timeouts() {
        String exposition = new ApiClient(port).get("/actuator/prometheus").body();
        Matcher m = Pattern.compile(
                        "^inference_requests_total\\{model=\"demo\",outcome=\"timeout\",[^}]*} (\\S+)$",
                        Pattern.MULTILINE)
                .matcher(exposition);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private void awaitQueued(int depth) throws InterruptedException {
        for (int i = 0; i < 600 && registry.defaultModel().queueDepth() < depth; i++) {
            Thread.sleep(100); // waits for the calls to reach the queue; nothing is timed
        }
        assertThat(registry.defaultModel().queueDepth()).as("calls queued").isEqualTo(depth);
    }
}
