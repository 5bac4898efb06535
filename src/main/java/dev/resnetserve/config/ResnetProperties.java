package dev.resnetserve.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything under {@code resnet.*}: the served models, input limits and engine settings.
 *
 * @param defaultModel  the model {@code POST /v1/classify} uses
 * @param models        the served models by name
 * @param limits        what a request may carry
 * @param decoding      how images are decoded
 * @param engine        PyTorch engine settings, applied once at start
 * @param shutdownGrace how long queued requests may take to finish when the service stops
 * @param management    the model management API
 * @param security      API keys and CORS
 * @param training      fine-tuning jobs
 * @param explain       explanations of predictions (heat maps)
 * @param modelRepository directory of models the service writes (fine-tuning) and serves, {@code <name>/<version>/}
 * @param modelRepositoryPoll how often the repository is read again for models other replicas wrote; 0: only at start
 * @param grpc          the Open Inference Protocol over gRPC
 */
@Validated
@ConfigurationProperties("resnet")
public record ResnetProperties(
        @NotBlank String defaultModel,
        @NotEmpty Map<String, @Valid ModelProperties> models,
        @Valid @DefaultValue LimitsProperties limits,
        @Valid @DefaultValue DecodingProperties decoding,
        @Valid @DefaultValue EngineProperties engine,
        @NotNull @DefaultValue("30s") Duration shutdownGrace,
        @Valid @DefaultValue ManagementProperties management,
        @Valid @DefaultValue SecurityProperties security,
        @Valid @DefaultValue TrainingProperties training,
        @Valid @DefaultValue ExplainProperties explain,
        @NotNull @DefaultValue("model-repository") Path modelRepository,
        @NotNull @DefaultValue("30s") Duration modelRepositoryPoll,
        @Valid @DefaultValue GrpcProperties grpc) {

    @AssertTrue(message = "resnet.default-model must name one of resnet.models")
    public boolean isDefaultModelConfigured() {
        return models == null || defaultModel == null || models.containsKey(defaultModel);
    }
}
