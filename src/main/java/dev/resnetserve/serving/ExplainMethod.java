package dev.resnetserve.serving;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a prediction is explained, by the name a request gives ({@code grad-cam}, {@code occlusion}). */
public enum ExplainMethod {

    /**
     * The last residual stage's activations weighted by their gradients: models trained by this project, TorchScript
     * exports made with the README's recipe.
     */
    GRAD_CAM,
    /**
     * The last residual stage's activations each times its own gradient (HiResCAM): where the logit's evidence lies,
     * for the same models as Grad-CAM.
     */
    HIRES_CAM,
    /**
     * Input gradients averaged along the path from a grey image to the input, times the input's difference from it:
     * models trained by this project, any TorchScript model.
     */
    INTEGRATED_GRADIENTS,
    /** The drop of the class's probability as each cell of the input is greyed out: any model, forward passes only. */
    OCCLUSION;

    private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** Whether the method runs the model with gradients, which ONNX models do not allow. */
    public boolean needsGradients() {
        return this != OCCLUSION;
    }

    public String label() {
        return label;
    }

    /** The method a request names; 400 {@code invalid_parameter} for a name no method has. */
    public static ExplainMethod named(String name) {
        for (ExplainMethod method : values()) {
            if (method.label.equalsIgnoreCase(name.strip())) {
                return method;
            }
        }
        throw new ServiceException(
                ErrorCode.INVALID_PARAMETER,
                "method must be one of "
                        + Arrays.stream(values()).map(ExplainMethod::label).collect(Collectors.joining(", "))
                        + ", got '" + name + "'");
    }
}
