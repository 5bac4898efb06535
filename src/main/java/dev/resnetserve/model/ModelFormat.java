package dev.resnetserve.model;

import java.util.Locale;
import java.util.Optional;

/** How the model's weights are stored, and so which engine runs them. */
public enum ModelFormat {
    /** A TorchScript module ({@code torch.jit.save}), the usual export of a PyTorch model. */
    TORCHSCRIPT(ModelFormat.PYTORCH),
    /** An ONNX graph ({@code torch.onnx.export}), run by ONNX Runtime. */
    ONNX(ModelFormat.ONNX_RUNTIME),
    /** Parameters of a network from this project's Java ResNet family, described by resnet-serve.properties. */
    DJL_RESNET(ModelFormat.PYTORCH),
    /** A model fetched through a DJL model-zoo or remote URL; its format is whatever the artifact holds. */
    DJL_URL(ModelFormat.PYTORCH);

    /** DJL's name of the libtorch engine. */
    public static final String PYTORCH = "PyTorch";
    /** DJL's name of the ONNX Runtime engine. */
    public static final String ONNX_RUNTIME = "OnnxRuntime";
    /** The values a {@code format} setting may take, as a pattern for validation annotations. */
    public static final String SETTING_PATTERN = "(?i)onnx|torchscript";

    private final String engine;

    ModelFormat(String engine) {
        this.engine = engine;
    }

    /** DJL's name of the engine that runs models of this format. */
    public String engine() {
        return engine;
    }

    /** A {@code format} setting ({@code onnx}, {@code torchscript}); empty: detect it from the files. */
    public static Optional<ModelFormat> ofSetting(String setting) {
        if (setting == null || setting.isBlank()) {
            return Optional.empty();
        }
        return switch (setting.strip().toLowerCase(Locale.ROOT)) {
            case "onnx" -> Optional.of(ONNX);
            case "torchscript" -> Optional.of(TORCHSCRIPT);
            default -> throw new IllegalArgumentException("format is onnx or torchscript, not '" + setting + "'");
        };
    }
}
