package dev.resnetserve.api.grpc;

import dev.resnetserve.api.grpc.proto.GRPCInferenceServiceGrpc;
import dev.resnetserve.api.grpc.proto.ModelInferRequest;
import dev.resnetserve.api.grpc.proto.ModelInferResponse;
import dev.resnetserve.api.grpc.proto.ModelMetadataRequest;
import dev.resnetserve.api.grpc.proto.ModelMetadataResponse;
import dev.resnetserve.api.grpc.proto.ModelReadyRequest;
import dev.resnetserve.api.grpc.proto.ModelReadyResponse;
import dev.resnetserve.api.grpc.proto.ServerLiveRequest;
import dev.resnetserve.api.grpc.proto.ServerLiveResponse;
import dev.resnetserve.api.grpc.proto.ServerMetadataRequest;
import dev.resnetserve.api.grpc.proto.ServerMetadataResponse;
import dev.resnetserve.api.grpc.proto.ServerReadyRequest;
import dev.resnetserve.api.grpc.proto.ServerReadyResponse;
import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelState;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.serving.ClassificationObserver;
import dev.resnetserve.serving.ConcurrentRequests;
import dev.resnetserve.serving.Outcome;
import dev.resnetserve.serving.TensorInference;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Component;

/**
 * {@code inference.GRPCInferenceService}: the Open Inference Protocol's health, metadata and inference calls over
 * the serving core. An inference call takes one of the request threads lent to inference
 * ({@link ConcurrentRequests}, as REST's filter does: past the cap UNAVAILABLE {@code server_busy}), runs through
 * {@link TensorInference} with the client's gRPC deadline as its own (when nearer than the model's request timeout),
 * and is counted in {@code inference_requests_total} like a REST request.
 */
@Component
public class GrpcInferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    static final List<String> EXTENSIONS = List.of("classification");

    private final ModelRegistry registry;
    private final TensorInference inference;
    private final ConcurrentRequests concurrent;
    private final ClassificationObserver observer;
    private final String version;

    GrpcInferenceService(
            ModelRegistry registry,
            TensorInference inference,
            ConcurrentRequests concurrent,
            ClassificationObserver observer,
            ObjectProvider<BuildProperties> build) {
        this.registry = registry;
        this.inference = inference;
        this.concurrent = concurrent;
        this.observer = observer;
        BuildProperties properties = build.getIfAvailable();
        this.version = properties == null ? "dev" : properties.getVersion();
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> responses) {
        answer(responses, () -> ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> responses) {
        answer(
                responses,
                () -> ServerReadyResponse.newBuilder()
                        .setReady(registry.allReady())
                        .build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> responses) {
        answer(responses, () -> {
            ServedModel model = model(request.getName(), request.getVersion());
            return ModelReadyResponse.newBuilder()
                    .setReady(model.state() == ModelState.READY)
                    .build();
        });
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> responses) {
        answer(
                responses,
                () -> ServerMetadataResponse.newBuilder()
                        .setName("resnet-serve")
                        .setVersion(version)
                        .addAllExtensions(EXTENSIONS)
                        .build());
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> responses) {
        answer(responses, () -> {
            ServedModel model = model(request.getName(), request.getVersion());
            ModelMetadataResponse.Builder metadata = ModelMetadataResponse.newBuilder()
                    .setName(model.name())
                    .setPlatform(TensorInference.platform(model));
            registry.versions(model.name())
                    .forEach(m -> metadata.addVersions(m.spec().version()));
            TensorInference.inputs(model).forEach(tensor -> metadata.addInputs(tensor(tensor)));
            TensorInference.outputs(model).forEach(tensor -> metadata.addOutputs(tensor(tensor)));
            return metadata.build();
        });
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> responses) {
        long start = System.nanoTime();
        // the version that serves the call, once chosen: its outcome counts for it
        AtomicReference<String> version = new AtomicReference<>(ClassificationObserver.NO_VERSION);
        ModelInferResponse response = null;
        RuntimeException failure = null;
        Outcome outcome;
        try {
            if (!concurrent.tryAcquireRequestThread()) {
                throw concurrent.busy();
            }
            try {
                response = infer(request, version);
            } finally {
                concurrent.releaseRequestThread();
            }
            outcome = Outcome.SUCCESS;
        } catch (RuntimeException e) {
            failure = e;
            outcome = e instanceof ServiceException known
                    ? Outcome.of(known.code().status(), known.code().code(), known.refusedAtOnce())
                    : Outcome.ERROR;
        }
        String name = request.getModelName();
        observer.requestFinished(
                registry.serves(name) ? name : "_unknown", version.get(), outcome, System.nanoTime() - start);
        if (failure != null) {
            responses.onError(GrpcErrors.of(failure));
        } else {
            responses.onNext(response);
            responses.onCompleted();
        }
    }

    private ModelInferResponse infer(ModelInferRequest request, AtomicReference<String> version) {
        ServedModel model = route(request.getModelName(), request.getModelVersion());
        version.set(model.spec().version());
        TensorInference.Result result = inference.infer(
                model,
                GrpcTensors.inputs(request),
                GrpcTensors.outputs(request),
                GrpcTensors.classification(request.getParametersMap(), "the request"),
                remaining());
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder()
                .setModelName(model.name())
                .setModelVersion(model.spec().version())
                .setId(request.getId());
        GrpcTensors.answer(response, result, request.getRawInputContentsCount() > 0);
        return response.build();
    }

    /** The time left before the client's deadline; {@code null} when it set none. */
    private static Duration remaining() {
        Deadline deadline = Context.current().getDeadline();
        return deadline == null ? null : Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS));
    }

    /** The model a request names (NOT_FOUND when not served); empty version: its default version. */
    private ServedModel model(String name, String version) {
        if (name.isBlank()) {
            throw new ServiceException(ErrorCode.INVALID_REQUEST, "the request needs a model name");
        }
        return inference.model(name, version.isEmpty() ? null : version);
    }

    /** The version that serves an inference call: the one named, else its model's traffic split's draw. */
    private ServedModel route(String name, String version) {
        if (name.isBlank()) {
            throw new ServiceException(ErrorCode.INVALID_REQUEST, "the request needs a model name");
        }
        return inference.route(name, version.isEmpty() ? null : version);
    }

    private static ModelMetadataResponse.TensorMetadata tensor(TensorInference.TensorMetadata tensor) {
        ModelMetadataResponse.TensorMetadata.Builder metadata = ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(tensor.name())
                .setDatatype(tensor.datatype());
        for (long dim : tensor.shape()) {
            metadata.addShape(dim);
        }
        return metadata.build();
    }

    private static <T> void answer(StreamObserver<T> responses, Supplier<T> answer) {
        T response;
        try {
            response = answer.get();
        } catch (RuntimeException e) {
            responses.onError(GrpcErrors.of(e));
            return;
        }
        responses.onNext(response);
        responses.onCompleted();
    }
}
