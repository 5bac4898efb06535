package dev.resnetserve.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code resnet.grpc.*}: the Open Inference Protocol over gRPC ({@code inference.GRPCInferenceService}, with the
 * standard health service and server reflection). Its messages are bounded by {@code resnet.limits.max-body-size}
 * (plus room for the message's own fields), its calls by the same admission and request-thread cap as REST.
 *
 * @param port    the gRPC port (8081, KServe's); 0 turns gRPC off
 * @param address where it listens; default: {@code server.address} (127.0.0.1 unless set, like HTTP)
 */
public record GrpcProperties(
        @Min(0) @Max(65535) @DefaultValue("8081") int port, String address) {

    public boolean enabled() {
        return port != 0;
    }
}
