package dev.resnetserve.config;

import dev.resnetserve.api.grpc.GrpcInferenceService;
import dev.resnetserve.api.grpc.GrpcServer;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.security.ApiSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The gRPC server from {@code resnet.grpc.*}, with the limits and API keys of REST (see {@link GrpcServer}). */
@Configuration(proxyBeanMethods = false)
class GrpcConfiguration {

    /**
     * Room for a message's own fields beyond the body limit (names, shape, parameters), so that a request carrying
     * an image of {@code max-body-size} fits, as it does over HTTP.
     */
    static final int MESSAGE_OVERHEAD_BYTES = 64 * 1024;

    @Bean
    GrpcServer grpcServer(
            GrpcInferenceService inference,
            ModelRegistry registry,
            ResnetProperties properties,
            ApiSecurity security,
            Environment environment) {
        GrpcProperties grpc = properties.grpc();
        String address = grpc.address() != null ? grpc.address() : environment.getProperty("server.address");
        return new GrpcServer(
                inference,
                registry,
                new GrpcServer.Settings(
                        address, grpc.port(), maxMessageBytes(properties.limits()), properties.shutdownGrace()),
                security.grpcInterceptor().stream().toList());
    }

    static int maxMessageBytes(LimitsProperties limits) {
        return (int) Math.min(Integer.MAX_VALUE, limits.maxBodySize().toBytes() + MESSAGE_OVERHEAD_BYTES);
    }
}
