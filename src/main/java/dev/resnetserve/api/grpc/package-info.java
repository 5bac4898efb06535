/**
 * The Open Inference Protocol over gRPC ({@code inference.GRPCInferenceService}, from {@code src/main/proto}) on the
 * serving core: the same models, admission, request-thread cap, limits and metrics as REST, through the protocol's
 * inference shared with {@code /v2} ({@code serving.TensorInference}); failures as gRPC status codes mapped from
 * the error codes in one place ({@link dev.resnetserve.api.grpc.GrpcErrors}); the Netty server with the standard
 * health service and server reflection, started and stopped with the application. Depends on {@code api}'s
 * shared plumbing at most, never on the other protocol adapters.
 */
package dev.resnetserve.api.grpc;
