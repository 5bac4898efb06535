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
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Turns a configured model location into a {@link ModelArtifact}. {@code classpath:} models inside the
 * application jar are copied into a work directory of their own per model and version (two versions from the
 * classpath must not overwrite each other's files), since libtorch and ONNX Runtime load from files.
 */
public final class ModelLocator {

    private static final List<String> TORCHSCRIPT_SUFFIXES = List.of(".pt", ".pth", ".torchscript");
    private static final String ONNX_SUFFIX = ".onnx";
    private static final List<String> ARCHIVE_SUFFIXES = List.of(".zip", ".tar.gz", ".tgz", ".tar");

    private final ResourcePatternResolver resources;
    private final Path workDirectory;

    public ModelLocator(ResourcePatternResolver resources, Path workDirectory) {
        this.resources = resources;
        this.workDirectory = workDirectory;
    }

    public ModelArtifact locate(String modelName, String version, String location) {
        return locate(modelName, version, location, Optional.empty());
    }

    /**
     * @param format as configured; empty: detected from the file's suffix, else its first bytes, or from the one
     *               model file in a directory
     */
    public ModelArtifact locate(String modelName, String version, String location, Optional<ModelFormat> format) {
        String scheme = scheme(location);
        return switch (scheme) {
            case "file" -> fromPath(Path.of(URI.create(location)), format);
            case "classpath" -> fromPath(copyFromClasspath(modelName, version, location), format);
            case "" -> fromPath(Path.of(location), format);
            case "http", "https" -> fromPath(download(URI.create(location)), format);
            default -> ModelArtifact.remote(location);
        };
    }

    /** The largest model file or archive fetched over http(s). */
    static final long MAX_DOWNLOAD_BYTES = 4L << 30;

    private static final int MAX_REDIRECTS = 5;

    /**
     * Fetches an http(s) model file or archive into the work directory, once per URL (later loads and other devices
     * reuse it). Redirects are followed only to the same scheme, host and port: the host that was allowed
     * ({@code resnet.management.allowed-locations}) is the only one the server fetches from; DJL's own download
     * followed a redirect anywhere. At most {@link #MAX_DOWNLOAD_BYTES}; written beside its final name and moved
     * there whole.
     */
    private Path download(URI url) {
        String name = Path.of(url.getPath().isEmpty() ? "/model" : url.getPath())
                .getFileName()
                .toString();
        Path dir = workDirectory.resolve("downloads").resolve(sha256(url.toString()));
        Path target = dir.resolve(name.isEmpty() ? "model" : name);
        if (Files.isRegularFile(target)) {
            return target;
        }
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
                .connectTimeout(java.time.Duration.ofSeconds(10))
                .build();
        URI current = url;
        try {
            Files.createDirectories(dir);
            for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
                java.net.http.HttpResponse<InputStream> response = http.send(
                        java.net.http.HttpRequest.newBuilder(current)
                                .timeout(java.time.Duration.ofMinutes(30))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                if (status / 100 == 3) {
                    response.body().close();
                    URI next = current.resolve(
                            response.headers().firstValue("Location").orElse(""));
                    if (!sameServer(url, next)) {
                        throw new ModelLoadException(url + " redirects to another server (" + next.getScheme() + "://"
                                + next.getHost() + "): not followed; name the final URL");
                    }
                    current = next;
                    continue;
                }
                if (status != 200) {
                    response.body().close();
                    throw new ModelLoadException(url + " answered " + status);
                }
                Path partial = Files.createTempFile(dir, "download-", ".part");
                try (InputStream in = response.body();
                        java.io.OutputStream out = Files.newOutputStream(partial)) {
                    byte[] buffer = new byte[1 << 16];
                    long total = 0;
                    for (int n; (n = in.read(buffer)) != -1; ) {
                        total += n;
                        if (total > MAX_DOWNLOAD_BYTES) {
                            throw new ModelLoadException(url + " is larger than " + MAX_DOWNLOAD_BYTES + " bytes");
                        }
                        out.write(buffer, 0, n);
                    }
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(partial);
                    throw e;
                }
                return Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            }
            throw new ModelLoadException(url + " redirects more than " + MAX_REDIRECTS + " times");
        } catch (IOException e) {
            throw new ModelLoadException("cannot fetch " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelLoadException("interrupted fetching " + url, e);
        }
    }

    private static boolean sameServer(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(String.valueOf(b.getScheme()))
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && a.getPort() == b.getPort();
    }

    private static String sha256(String s) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String scheme(String location) {
        int colon = location.indexOf(':');
        if (colon <= 1) { // no scheme, or a Windows drive letter
            return "";
        }
        return location.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    private static ModelArtifact fromPath(Path path, Optional<ModelFormat> format) {
        if (Files.isDirectory(path)) {
            return fromDirectory(path, format);
        }
        if (!Files.isRegularFile(path)) {
            throw new ModelLoadException("no model file or directory at " + path);
        }
        String fileName = path.getFileName().toString();
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (format.equals(Optional.of(ModelFormat.ONNX))
                || format.isEmpty() && (lower.endsWith(ONNX_SUFFIX) || looksLikeOnnx(path))) {
            return ModelArtifact.onnx(path.getParent(), withoutSuffix(fileName, ONNX_SUFFIX));
        }
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
                + String.join(", ", TORCHSCRIPT_SUFFIXES) + "), an ONNX file (" + ONNX_SUFFIX
                + ", or format: onnx), an archive or a model directory");
    }

    /**
     * A directory: this project's own model (resnet-serve.properties), else its one TorchScript file, else its one
     * ONNX file ({@code format: onnx} picks the ONNX file beside a TorchScript one).
     */
    private static ModelArtifact fromDirectory(Path directory, Optional<ModelFormat> format) {
        List<String> torchScript = filesEndingWith(directory, ".pt");
        List<String> onnx = filesEndingWith(directory, ONNX_SUFFIX);
        boolean pickOnnx = format.equals(Optional.of(ModelFormat.ONNX))
                || format.isEmpty() && torchScript.size() != 1 && onnx.size() == 1;
        if (pickOnnx && ModelDescriptor.readFrom(directory).isEmpty()) {
            if (onnx.size() != 1) {
                throw new ModelLoadException(
                        "expected one " + ONNX_SUFFIX + " file in " + directory + ", found " + onnx.size());
            }
            return ModelArtifact.onnx(directory, withoutSuffix(onnx.get(0), ONNX_SUFFIX));
        }
        return ModelArtifact.local(
                directory, torchScript.size() == 1 ? withoutSuffix(torchScript.get(0), ".pt") : null);
    }

    /**
     * An ONNX file is a protobuf {@code ModelProto}, which starts with its field 1 ({@code ir_version}, a varint:
     * tag byte 0x08); a TorchScript file is a zip archive ({@code PK}).
     */
    static boolean looksLikeOnnx(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && head[0] == 0x08 && head[1] > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static String withoutSuffix(String fileName, String suffix) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(suffix)
                ? fileName.substring(0, fileName.length() - suffix.length())
                : fileName;
    }

    private static List<String> filesEndingWith(Path directory, String suffix) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> name.toLowerCase(Locale.ROOT).endsWith(suffix))
                    .sorted()
                    .toList();
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
