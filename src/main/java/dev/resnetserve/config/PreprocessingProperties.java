package dev.resnetserve.config;

import dev.resnetserve.preprocess.AlphaMode;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.ResizeMode;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * A model's preprocessing: a preset, optionally with fields overridden. Written either as the preset's name
 * ({@code preprocessing: imagenet}) or as an object ({@code preprocessing: {preset: imagenet, resize: 288}}).
 *
 * @param preset     {@code imagenet} (resize shorter side 256, centre crop 224, ImageNet mean/std, alpha dropped as
 *                   PIL's {@code convert("RGB")}) or {@code whole-image} (whole image padded to 224, alpha
 *                   composited on white)
 * @param mode       {@code center-crop}, {@code stretch} (whole image, aspect not kept) or {@code pad}
 * @param resize     center-crop: the shorter side before cropping
 * @param width      model input width
 * @param height     model input height
 * @param mean       3 values, after scaling to [0, 1]
 * @param std        3 values
 * @param alpha      {@code drop} or {@code composite}
 * @param background {@code #RRGGBB}: what alpha is composited on and padding is filled with
 */
public record PreprocessingProperties(
        @Pattern(regexp = PreprocessingSpec.PRESETS, message = "presets are imagenet and whole-image")
        String preset,

        ResizeMode mode,
        @Min(1) @Max(4096) Integer resize,
        @Min(1) @Max(4096) Integer width,
        @Min(1) @Max(4096) Integer height,
        @Size(min = 3, max = 3) List<Float> mean,
        @Size(min = 3, max = 3) List<Float> std,
        AlphaMode alpha,

        @Pattern(regexp = "#[0-9a-fA-F]{6}", message = "background is #RRGGBB")
        String background) {

    static PreprocessingProperties preset(String name) {
        return new PreprocessingProperties(name, null, null, null, null, null, null, null, null);
    }

    PreprocessingSpec toSpec() {
        PreprocessingSpec base = PreprocessingSpec.preset(preset == null ? PreprocessingSpec.IMAGENET : preset);
        int w = width != null ? width : base.width();
        int h = height != null ? height : base.height();
        return new PreprocessingSpec(
                mode != null ? mode : base.mode(),
                resize != null ? resize : base.resize(),
                w,
                h,
                mean != null ? toArray(mean) : base.mean(),
                std != null ? toArray(std) : base.std(),
                alpha != null ? alpha : base.alpha(),
                background != null ? Integer.parseInt(background.substring(1), 16) : base.background());
    }

    private static float[] toArray(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
