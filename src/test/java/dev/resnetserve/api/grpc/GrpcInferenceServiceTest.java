package dev.resnetserve.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.djl.Device;
import com.google.protobuf.ByteString;
import dev.resnetserve.api.grpc.proto.InferParameter;
import dev.resnetserve.api.grpc.proto.InferTensorContents;
import dev.resnetserve.api.grpc.proto.ModelInferRequest;
import dev.resnetserve.api.grpc.proto.ModelInferResponse;
import dev.resnetserve.api.grpc.proto.ModelMetadataRequest;
import dev.resnetserve.api.grpc.proto.ModelMetadataResponse;
import dev.resnetserve.api.grpc.proto.ModelReadyRequest;
import dev.resnetserve.api.grpc.proto.ServerLiveRequest;
import dev.resnetserve.api.grpc.proto.ServerMetadataRequest;
import dev.resnetserve.api.grpc.proto.ServerMetadataResponse;
import dev.resnetserve.api.grpc.proto.ServerReadyRequest;
import dev.resnetserve.inference.ModelNotFoundException;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.inference.ModelState;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.model.Labels;
import dev.resnetserve.serving.ClassificationObserver;
import dev.resnetserve.serving.Classified;
import dev.resnetserve.serving.Classifier;
import dev.resnetserve.serving.ConcurrentRequests;
import dev.resnetserve.serving.Outcome;
import dev.resnetserve.serving.StageTimings;
import dev.resnetserve.serving.TensorInference;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.info.BuildProperties;

/**
 * {@code GRPCInferenceService}'s calls on the real service class, answered into a recording observer: health,
 * metadata and inference over the real {@link TensorInference}, only the {@link Classifier} and the registry standing
 * in for a loaded model. Each call ends with one answer and completion or one error status; every inference call is
 * counted with its model, version and outcome, and holds one request thread while it runs.
 */
class GrpcInferenceServiceTest {

    private static final Labels LABELS = new Labels(List.of("circle", "square", "triangle"));
    private static final ServedModel V1 = served("1");
    private static final ServedModel V2 = served("2");

    private final Classifier classifier = mock(Classifier.class);
    private final ModelRegistry registry = mock(ModelRegistry.class);
    private final ConcurrentRequests concurrent = new ConcurrentRequests(1);
    private final List<String> counted = new ArrayList<>();
    private final ClassificationObserver observer = new ClassificationObserver() {
        @Override
        public void stagesMeasured(String model, String version, StageTimings timings) {}

        @Override
        public void requestFinished(String model, String version, Outcome outcome, long nanos) {
            assertThat(nanos).isPositive();
            counted.add(model + "/" + version + "/" + outcome.label());
        }
    };
    private GrpcInferenceService service;

    @BeforeEach
    void service() {
        service = service(new StaticListableBeanFactory());
        when(classifier.route(eq("demo"), isNull())).thenReturn(V1);
        when(classifier.route(eq("demo"), eq("2"))).thenReturn(V2);
        when(classifier.route(eq("nope"), any())).thenThrow(new ModelNotFoundException("nope"));
        when(classifier.require(eq("demo"), isNull())).thenReturn(V1);
        when(classifier.require(eq("nope"), any())).thenThrow(new ModelNotFoundException("nope"));
        when(classifier.labels(any())).thenReturn(LABELS);
        when(classifier.classifyImages(any(), anyList(), any())).thenAnswer(call -> {
            assertThat(concurrent.inFlight()).isEqualTo(1);
            List<?> images = call.getArgument(1);
            return images.stream()
                    .map(image -> new Classified(null, new double[] {0.25, 0.625, 0.125}, null))
                    .toList();
        });
        when(registry.serves("demo")).thenReturn(true);
        when(registry.versions("demo")).thenReturn(List.of(V1, V2));
    }

    private GrpcInferenceService service(StaticListableBeanFactory beans) {
        return new GrpcInferenceService(
                registry,
                new TensorInference(classifier, 4),
                concurrent,
                observer,
                beans.getBeanProvider(BuildProperties.class));
    }

    @Test
    void healthAndServerMetadata() {
        assertThat(call(service::serverLive, ServerLiveRequest.getDefaultInstance())
                        .getLive())
                .isTrue();
        when(registry.allReady()).thenReturn(true);
        assertThat(call(service::serverReady, ServerReadyRequest.getDefaultInstance())
                        .getReady())
                .isTrue();
        when(registry.allReady()).thenReturn(false);
        assertThat(call(service::serverReady, ServerReadyRequest.getDefaultInstance())
                        .getReady())
                .isFalse();

        ServerMetadataResponse metadata = call(service::serverMetadata, ServerMetadataRequest.getDefaultInstance());
        assertThat(metadata.getName()).isEqualTo("resnet-serve");
        assertThat(metadata.getVersion()).isEqualTo("dev");
        assertThat(metadata.getExtensionsList()).containsExactly("classification");
        Properties built = new Properties();
        built.setProperty("version", "1.4.2");
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("build", new BuildProperties(built));
        assertThat(call(service(beans)::serverMetadata, ServerMetadataRequest.getDefaultInstance())
                        .getVersion())
                .isEqualTo("1.4.2");
    }

    @Test
    void aModelsReadinessAndMetadataByNameAndVersion() {
        assertThat(call(
                                service::modelReady,
                                ModelReadyRequest.newBuilder().setName("demo").build())
                        .getReady())
                .isFalse();
        ServedModel ready = mock(ServedModel.class);
        when(ready.state()).thenReturn(ModelState.READY);
        when(classifier.require("demo", "2")).thenReturn(ready);
        assertThat(call(
                                service::modelReady,
                                ModelReadyRequest.newBuilder()
                                        .setName("demo")
                                        .setVersion("2")
                                        .build())
                        .getReady())
                .isTrue();

        ModelMetadataResponse metadata = call(
                service::modelMetadata,
                ModelMetadataRequest.newBuilder().setName("demo").build());
        assertThat(metadata.getName()).isEqualTo("demo");
        assertThat(metadata.getPlatform()).isEqualTo("pytorch_torchscript");
        assertThat(metadata.getVersionsList()).containsExactly("1", "2");
        assertThat(metadata.getInputsList())
                .extracting(ModelMetadataResponse.TensorMetadata::getName)
                .containsExactly("image", "input");
        assertThat(metadata.getInputs(0).getDatatype()).isEqualTo("BYTES");
        assertThat(metadata.getInputs(1).getShapeList()).containsExactly(-1L, 3L, 224L, 224L);
        assertThat(metadata.getOutputs(0).getName()).isEqualTo("probabilities");
        assertThat(metadata.getOutputs(0).getShapeList()).containsExactly(-1L, -1L);

        assertThat(failure(
                                service::modelMetadata,
                                ModelMetadataRequest.newBuilder()
                                        .setName("nope")
                                        .build())
                        .getStatus()
                        .getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        StatusRuntimeException nameless =
                failure(service::modelReady, ModelReadyRequest.newBuilder().build());
        assertThat(nameless.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(nameless.getStatus().getDescription()).isEqualTo("the request needs a model name");
        assertThat(failure(
                                service::modelMetadata,
                                ModelMetadataRequest.newBuilder().setName(" ").build())
                        .getStatus()
                        .getDescription())
                .isEqualTo("the request needs a model name");
    }

    @Test
    void anInferenceIsAnsweredWithItsModelVersionIdAndOutputsAndCounted() {
        ModelInferResponse response =
                call(service::modelInfer, images("demo", "").setId("req-1").build());

        assertThat(response.getModelName()).isEqualTo("demo");
        assertThat(response.getModelVersion()).isEqualTo("1");
        assertThat(response.getId()).isEqualTo("req-1");
        assertThat(response.getOutputs(0).getContents().getFp32ContentsList()).containsExactly(0.25f, 0.625f, 0.125f);
        assertThat(response.getRawOutputContentsCount()).isZero();
        assertThat(counted).containsExactly("demo/1/success");
        assertThat(concurrent.inFlight()).isZero();

        // a version, the request's classification parameter, raw inputs answered raw
        ModelInferResponse raw = call(
                service::modelInfer,
                ModelInferRequest.newBuilder()
                        .setModelName("demo")
                        .setModelVersion("2")
                        .putParameters(
                                "classification",
                                InferParameter.newBuilder().setInt64Param(1).build())
                        .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("image")
                                .setDatatype("BYTES")
                                .addShape(1))
                        .addRawInputContents(ByteString.copyFrom(new byte[] {1, 0, 0, 0, 42}))
                        .build());
        assertThat(raw.getModelVersion()).isEqualTo("2");
        assertThat(raw.getOutputs(0).getDatatype()).isEqualTo("BYTES");
        assertThat(raw.getRawOutputContents(0).substring(4).toStringUtf8()).isEqualTo("0.625000:1:square");
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<byte[]>> images = ArgumentCaptor.forClass(List.class);
        verify(classifier).classifyImages(same(V2), images.capture(), isNull());
        assertThat(images.getValue()).containsExactly(new byte[] {42});
        assertThat(counted).containsExactly("demo/1/success", "demo/2/success");
    }

    @Test
    void theClientsDeadlineBecomesTheRequestsOwn() throws Exception {
        ArgumentCaptor<Duration> remaining = ArgumentCaptor.forClass(Duration.class);
        java.util.concurrent.ScheduledExecutorService timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            Context.current()
                    .withDeadline(Deadline.after(1, TimeUnit.HOURS), timer)
                    .run(() -> call(service::modelInfer, images("demo", "").build()));
        } finally {
            timer.shutdownNow();
        }
        verify(classifier).classifyImages(same(V1), anyList(), remaining.capture());
        assertThat(remaining.getValue()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
    }

    @Test
    void refusalsAreStatusesCountedWithTheirOutcome() {
        StatusRuntimeException unknown =
                failure(service::modelInfer, images("nope", "").build());
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(unknown.getStatus().getDescription()).isEqualTo("no model named 'nope' is served");

        StatusRuntimeException nameless =
                failure(service::modelInfer, images(" ", "").build());
        assertThat(nameless.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(nameless.getStatus().getDescription()).isEqualTo("the request needs a model name");

        StatusRuntimeException tooMany = failure(
                service::modelInfer,
                images("demo", "")
                        .putParameters(
                                "classification",
                                InferParameter.newBuilder().setInt64Param(4).build())
                        .build());
        assertThat(tooMany.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(tooMany.getStatus().getDescription())
                .isEqualTo("classification 4 is more than the model's 3 classes");

        org.mockito.Mockito.doThrow(new IllegalStateException("/opt/secret"))
                .when(classifier)
                .classifyImages(any(), anyList(), any());
        StatusRuntimeException internal =
                failure(service::modelInfer, images("demo", "").build());
        assertThat(internal.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(internal.getStatus().getDescription()).doesNotContain("secret");

        assertThat(counted)
                .containsExactly(
                        "_unknown/_none/bad_request",
                        "_unknown/_none/bad_request",
                        "demo/1/bad_request",
                        "demo/1/error");
        assertThat(concurrent.inFlight()).isZero();
    }

    @Test
    void withEveryRequestThreadTakenACallIsRefusedAtOnceAsServerBusy() {
        assertThat(concurrent.tryAcquireRequestThread()).isTrue();
        StatusRuntimeException busy =
                failure(service::modelInfer, images("demo", "").build());
        concurrent.releaseRequestThread();

        assertThat(busy.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(busy.getTrailers().get(GrpcErrors.ERROR_CODE)).isEqualTo("server_busy");
        assertThat(counted).containsExactly("demo/_none/rejected");
        verify(classifier, never()).route(any(), any());
        assertThat(concurrent.inFlight()).isZero();
    }

    private static ModelInferRequest.Builder images(String model, String version) {
        return ModelInferRequest.newBuilder()
                .setModelName(model)
                .setModelVersion(version)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("image")
                        .setDatatype("BYTES")
                        .addShape(1)
                        .setContents(InferTensorContents.newBuilder()
                                .addBytesContents(ByteString.copyFrom(new byte[] {1, 2, 3}))));
    }

    /** One call's only answer, after checking it completed once and failed never. */
    private static <Q, A> A call(Call<Q, A> call, Q request) {
        Recorder<A> answers = new Recorder<>();
        call.run(request, answers);
        assertThat(answers.errors).isEmpty();
        assertThat(answers.completed).isEqualTo(1);
        assertThat(answers.values).hasSize(1);
        return answers.values.get(0);
    }

    /** One call's only error, after checking it answered nothing and did not complete. */
    private static <Q, A> StatusRuntimeException failure(Call<Q, A> call, Q request) {
        Recorder<A> answers = new Recorder<>();
        call.run(request, answers);
        assertThat(answers.values).isEmpty();
        assertThat(answers.completed).isZero();
        assertThat(answers.errors).hasSize(1).first().isInstanceOf(StatusRuntimeException.class);
        return (StatusRuntimeException) answers.errors.get(0);
    }

    private interface Call<Q, A> {
        void run(Q request, StreamObserver<A> answers);
    }

    private static final class Recorder<A> implements StreamObserver<A> {
        final List<A> values = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();
        int completed;

        @Override
        public void onNext(A value) {
            values.add(value);
        }

        @Override
        public void onError(Throwable t) {
            errors.add(t);
        }

        @Override
        public void onCompleted() {
            completed++;
        }
    }

    private static ServedModel served(String version) {
        ModelSettings settings = ModelSettings.builder().version(version).build();
        return new ServedModel(
                settings.spec("demo", "/nonexistent/demo.pt"), settings.scheduling(), List.of(Device.cpu()));
    }
}
