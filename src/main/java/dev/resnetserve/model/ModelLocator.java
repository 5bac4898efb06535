package dev.resnetserve.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Turns a configured model location into a {@link ModelArtifact}. {@code classpath:} models inside the
 * application jar are copied into a work directory of their own per model and version (two versions from the
 * classpath must not overwrite each other's files), since libtorch loads from files.
 */
public final class ModelLocator {

    private static final List<String> TORCHSCRIPT_SUFFIXES = List.of(".pt", ".pth", ".torchscript");
    private static final List<String> ARCHIVE_SUFFIXES = List.of(".zip", ".tar.gz", ".tgz", ".tar");

    private final ResourcePatternResolver resources;
    private final Path workDirectory;

    public ModelLocator(ResourcePatternResolver resources, Path workDirectory) {
        this.resources = resources;
        this.workDirectory = workDirectory;
    }

    public ModelArtifact locate(String modelName, String version, String location) {
        String scheme = scheme(location);
        return switch (scheme) {
            case "file" -> fromPath(Path.of(URI.create(location)));
            case "classpath" -> fromPath(copyFromClasspath(modelName, version, location));
            case "" -> fromPath(Path.of(location));
            default -> ModelArtifact.remote(location);
        };
    }

    private static String scheme(String location) {
        int colon = location.indexOf(':');
        if (colon <= 1) { // no scheme, or a Windows drive letter
            return "";
        }
        return location.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    private static ModelArtifact fromPath(Path path) {
        if (Files.isDirectory(path)) {
            return ModelArtifact.local(path, singleTorchScriptName(path));
        }
        if (!Files.isRegularFile(path)) {
            throw new ModelLoadException("no model file or directory at " + path);
        }
        String fileName = path.getFileName().toString();
        String lower = fileName.toLowerCase(Locale.ROOT);
        for (String suffix : TORCHSCRIPT_SUFFIXES) {
            if (lower.endsWith(suffix)) {
                return ModelArtifact.local(
                        path.getParent(), fileName.substring(0, fileName.length() - suffix.length()));
            }
        }
        for (String suffix : ARCHIVE_SUFFIXES) {
            if (lower.endsWith(suffix)) {
                return ModelArtifact.remote(path.toUri().toString());
            }
        }
        throw new ModelLoadException("unrecognised model file " + fileName + ": expected a TorchScript file ("
                + String.join(", ", TORCHSCRIPT_SUFFIXES) + "), an archive or a model directory");
    }

    /** The one TorchScript file in a directory, named without its suffix, so DJL loads it whatever it is called. */
    private static String singleTorchScriptName(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(name -> name.toLowerCase(Locale.ROOT).endsWith(".pt"))
                    .toList();
            return names.size() == 1 ? names.get(0).substring(0, names.get(0).length() - 3) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path copyFromClasspath(String modelName, String version, String location) {
        String base = location.replaceFirst("/+$", "");
        Path target = workDirectory.resolve(modelName).resolve(version).normalize();
        if (!target.startsWith(workDirectory) || target.equals(workDirectory)) {
            throw new ModelLoadException(
                    "model name '" + modelName + "' or version '" + version + "' cannot name a work directory");
        }
        try {
            Resource[] children = resources.getResources(base + "/*");
            if (children.length > 0) {
                for (Resource child : children) {
                    String name = child.getFilename();
                    if (child.isReadable() && name != null && !name.isEmpty()) {
                        copy(child, target);
                    }
                }
                return target;
            }
            Resource single = resources.getResource(base);
            if (!single.exists()) {
                throw new ModelLoadException("nothing found on the classpath at " + location);
            }
            return copy(single, target);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read the model at " + location, e);
        }
    }

    private static Path copy(Resource resource, Path directory) throws IOException {
        Files.createDirectories(directory);
        Path target = directory.resolve(resource.getFilename());
        try (InputStream in = resource.getInputStream()) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
