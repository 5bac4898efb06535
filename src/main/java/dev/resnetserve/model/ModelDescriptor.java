package dev.resnetserve.model;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code resnet-serve.properties} in a model directory trained by this project: which Java architecture the
 * parameters file belongs to, so the service can rebuild the network before loading its weights.
 */
public record ModelDescriptor(String name, String architecture, int classes, int inputSize) {

    public static final String FILE_NAME = "resnet-serve.properties";

    public static Optional<ModelDescriptor> readFrom(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            p.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return Optional.of(new ModelDescriptor(required(p, "name"), required(p, "architecture"),
                    Integer.parseInt(required(p, "classes")), Integer.parseInt(required(p, "input-size"))));
        } catch (NumberFormatException e) {
            throw new ModelLoadException(file + " has a malformed number: " + e.getMessage());
        }
    }

    public String toProperties(String comment) {
        Properties p = new Properties();
        p.setProperty("name", name);
        p.setProperty("architecture", architecture);
        p.setProperty("classes", Integer.toString(classes));
        p.setProperty("input-size", Integer.toString(inputSize));
        StringWriter out = new StringWriter();
        try {
            p.store(out, comment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new ModelLoadException(FILE_NAME + " lacks '" + key + "'");
        }
        return value.strip();
    }
}
