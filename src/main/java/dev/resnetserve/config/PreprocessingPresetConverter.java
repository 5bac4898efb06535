package dev.resnetserve.config;

import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.core.convert.converter.Converter;
import org.springframework.stereotype.Component;

/** Lets {@code preprocessing: imagenet} stand for {@code preprocessing: {preset: imagenet}}. */
@Component
@ConfigurationPropertiesBinding
class PreprocessingPresetConverter implements Converter<String, PreprocessingProperties> {

    @Override
    public PreprocessingProperties convert(String preset) {
        return PreprocessingProperties.preset(preset.strip());
    }
}
