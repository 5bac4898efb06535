package dev.resnetserve.security;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;
import java.util.Set;

/**
 * API keys on gRPC, as on HTTP: the key is the {@code authorization: Bearer <key>} metadata (or {@code x-api-key}).
 * With keys on, the health service, server reflection and the protocol's ServerLive and ServerReady are open (as
 * HTTP's health probes are); every other call needs a key with the INFERENCE role: none, or one that matches
 * nothing, is UNAUTHENTICATED, a key without the role PERMISSION_DENIED. With keys off every call goes through
 * (gRPC offers no model management).
 */
final class GrpcApiKeyInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    private static final Set<String> OPEN_SERVICES = Set.of(
            "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
    private static final Set<String> OPEN_METHODS =
            Set.of("inference.GRPCInferenceService/ServerLive", "inference.GRPCInferenceService/ServerReady");

    private final ApiKeys keys;

    GrpcApiKeyInterceptor(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (OPEN_SERVICES.contains(call.getMethodDescriptor().getServiceName()) || OPEN_METHODS.contains(method)) {
            return next.startCall(call, headers);
        }
        Optional<String> secret = presented(headers);
        if (secret.isEmpty()) {
            return refuse(
                    call,
                    Status.UNAUTHENTICATED.withDescription(
                            "an API key is required: metadata 'authorization: Bearer <key>'"));
        }
        Optional<ApiKey> key = keys.match(secret.get());
        if (key.isEmpty()) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription("the API key is not valid"));
        }
        if (!key.get().roles().contains(Role.INFERENCE)) {
            return refuse(call, Status.PERMISSION_DENIED.withDescription("the API key may not use inference"));
        }
        return next.startCall(call, headers);
    }

    private static <Q, A> ServerCall.Listener<Q> refuse(ServerCall<Q, A> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {};
    }

    private static Optional<String> presented(Metadata headers) {
        String authorization = headers.get(AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of(authorization.substring(BEARER.length()).trim());
        }
        return Optional.ofNullable(headers.get(API_KEY)).map(String::trim);
    }
}
