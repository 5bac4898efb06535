package dev.resnetserve.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A model location resolved to what DJL's {@code Criteria} needs: a local directory plus model name, or a URL
 * DJL downloads and caches itself.
 */
public record ModelArtifact(
        Optional<Path> directory,
        Optional<String> modelName,
        Optional<String> url,
        ModelFormat format,
        Optional<ModelDescriptor> descriptor) {

    static ModelArtifact local(Path directory, String modelName) {
        Optional<ModelDescriptor> descriptor = ModelDescriptor.readFrom(directory);
        if (descriptor.isPresent()) {
            return new ModelArtifact(
                    Optional.of(directory),
                    Optional.of(descriptor.get().name()),
                    Optional.empty(),
                    ModelFormat.DJL_RESNET,
                    descriptor);
        }
        return new ModelArtifact(
                Optional.of(directory),
                Optional.ofNullable(modelName),
                Optional.empty(),
                ModelFormat.TORCHSCRIPT,
                Optional.empty());
    }

    /** An ONNX graph: {@code directory/modelName} or {@code directory/modelName.onnx}. */
    static ModelArtifact onnx(Path directory, String modelName) {
        return new ModelArtifact(
                Optional.of(directory), Optional.of(modelName), Optional.empty(), ModelFormat.ONNX, Optional.empty());
    }

    /** The ONNX file itself, for an ONNX artifact. */
    public Optional<Path> onnxFile() {
        if (format != ModelFormat.ONNX || directory.isEmpty() || modelName.isEmpty()) {
            return Optional.empty();
        }
        Path named = directory.get().resolve(modelName.get());
        return Optional.of(Files.isRegularFile(named) ? named : directory.get().resolve(modelName.get() + ".onnx"));
    }

    /** The module file itself, for a local TorchScript artifact: {@code modelName} with or without its suffix. */
    public Optional<Path> torchScriptFile() {
        if (format != ModelFormat.TORCHSCRIPT || directory.isEmpty() || modelName.isEmpty()) {
            return Optional.empty();
        }
        for (String suffix : List.of("", ".pt", ".pth", ".torchscript")) {
            Path file = directory.get().resolve(modelName.get() + suffix);
            if (Files.isRegularFile(file)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /**
     * The size of the model's weights in bytes: the ONNX or TorchScript file, or a trained model's parameters (the
     * newest {@code .params}) and its TorchScript backbone; {@link WorkerThreads#UNKNOWN_SIZE} for a model DJL
     * downloads itself.
     */
    public long weightBytes() {
        Optional<Path> file = onnxFile().or(this::torchScriptFile);
        if (file.isPresent()) {
            return size(file.get());
        }
        if (directory.isEmpty() || descriptor.isEmpty()) {
            return WorkerThreads.UNKNOWN_SIZE;
        }
        long params;
        try (Stream<Path> files = Files.list(directory.get())) {
            params = files.filter(f -> f.getFileName().toString().endsWith(".params"))
                    .mapToLong(ModelArtifact::size)
                    .max()
                    .orElse(0);
        } catch (IOException e) {
            return WorkerThreads.UNKNOWN_SIZE;
        }
        return params
                + descriptor
                        .get()
                        .backbone()
                        .map(b -> size(directory.get().resolve(b.file())))
                        .orElse(0L);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    static ModelArtifact remote(String url) {
        return new ModelArtifact(
                Optional.empty(), Optional.empty(), Optional.of(url), ModelFormat.DJL_URL, Optional.empty());
    }
}
