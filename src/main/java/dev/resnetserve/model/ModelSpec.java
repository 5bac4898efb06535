package dev.resnetserve.model;

import dev.resnetserve.preprocess.PreprocessingSpec;
import java.util.Optional;

/**
 * What a served model is and where it comes from.
 *
 * @param name          the name clients use in URLs
 * @param version       a free-form version string
 * @param location      {@code file:}, {@code classpath:}, {@code djl://}, {@code http(s)://}: a TorchScript file,
 *                      a model directory or archive
 * @param labels        where the labels are, one per line; empty: {@code synset.txt} beside the model, else
 *                      {@code class_<i>}
 * @param architecture  e.g. {@code resnet50}, when known
 * @param preprocessing how the input tensor is made; empty: as the model directory describes it, else imagenet
 * @param format        how the weights are stored; empty: detected from the files
 */
public record ModelSpec(
        String name,
        String version,
        String location,
        Optional<String> labels,
        Optional<String> architecture,
        Optional<PreprocessingSpec> preprocessing,
        Optional<ModelFormat> format) {

    /** A model whose format is detected from its files. */
    public ModelSpec(
            String name,
            String version,
            String location,
            Optional<String> labels,
            Optional<String> architecture,
            Optional<PreprocessingSpec> preprocessing) {
        this(name, version, location, labels, architecture, preprocessing, Optional.empty());
    }

    /** Version 1 of the model at {@code location}, everything else (labels, architecture, preprocessing, format) as
     * its files say. */
    public static ModelSpec asFilesSay(String name, String location) {
        return new ModelSpec(name, "1", location, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
