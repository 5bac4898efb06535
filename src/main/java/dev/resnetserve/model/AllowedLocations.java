package dev.resnetserve.model;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a client may point the server when it registers a model or its labels. Each allowed entry is a place, not a
 * string prefix, and a location is compared with it after it has been made canonical:
 * <ul>
 *   <li>{@code file:DIR/} (or a plain directory path): the location, a plain path or a {@code file:} URL without
 *   a host, must exist and its real path (symbolic links and {@code ..} resolved) must lie under DIR's real path;</li>
 *   <li>{@code classpath:PREFIX}: a {@code classpath:} location under PREFIX, without {@code ..}, backslashes or
 *   percent-escapes;</li>
 *   <li>{@code https://HOST[:PORT]/PATH} (or {@code http://}): the same scheme, exactly that host and port, no user
 *   information, and a normalised path under PATH (no {@code ..}, no escaped dots or slashes); the server fetches
 *   only from hosts listed like this.</li>
 * </ul>
 * Anything else (another scheme, a {@code file://host/} URL, a path that escapes) is refused.
 */
public final class AllowedLocations {

    private sealed interface Place permits Directory, ClasspathPrefix, WebPrefix {
        boolean contains(String location);

        /** The location as it is to be read, when this place holds it. */
        default Optional<String> resolve(String location) {
            return contains(location) ? Optional.of(location) : Optional.empty();
        }
    }

    /** Entries of a model directory looked at for links that leave the allowed directory. */
    private static final int MAX_ENTRIES_CHECKED = 10_000;

    private final List<Place> places;
    private final List<String> described;

    public AllowedLocations(List<String> allowed) {
        this.described = List.copyOf(allowed);
        List<Place> parsed = new ArrayList<>();
        for (String entry : allowed) {
            parsed.add(place(entry));
        }
        this.places = List.copyOf(parsed);
    }

    /** Whether the server may read {@code location}; null (an optional location left out) is allowed. */
    public boolean allows(String location) {
        return location == null || resolve(location).isPresent();
    }

    /**
     * The location as the server must store and read it, when it is allowed: a local path becomes the {@code file:}
     * URL of its real path, checked here, so what is read later is what was checked (a symbolic link swapped in
     * after the check, or a plain path that a resource loader would read from the classpath, is not followed); a
     * model directory qualifies only when every file in it (two levels deep) also lies under the allowed directory,
     * so a {@code synset.txt} linked to {@code /etc/passwd} is refused. Other locations are returned unchanged.
     */
    public Optional<String> resolve(String location) {
        if (location == null || location.length() > 2048 || location.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Optional.empty();
        }
        for (Place place : places) {
            Optional<String> resolved = place.resolve(location);
            if (resolved.isPresent()) {
                return resolved;
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return described.toString();
    }

    private static Place place(String entry) {
        String lower = entry.toLowerCase(Locale.ROOT);
        if (lower.startsWith("classpath:")) {
            String prefix = entry.substring("classpath:".length());
            if (!safeClasspath(prefix)) {
                throw new IllegalArgumentException(
                        "allowed location '" + entry + "': no '..', '\\' or '%' in a " + "classpath prefix");
            }
            return new ClasspathPrefix(prefix.replaceFirst("^/+", ""));
        }
        if (lower.startsWith("https://") || lower.startsWith("http://")) {
            URI uri = URI.create(entry);
            if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null) {
                throw new IllegalArgumentException(
                        "allowed location '" + entry + "': a URL names a host and a " + "path, nothing more");
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return new WebPrefix(
                    uri.getScheme().toLowerCase(Locale.ROOT),
                    uri.getHost().toLowerCase(Locale.ROOT),
                    defaultPort(uri),
                    path);
        }
        Path dir = localPath(entry)
                .orElseThrow(() -> new IllegalArgumentException("allowed location '" + entry
                        + "' is neither a directory (file:DIR/ or a path), classpath:PREFIX nor an http(s) URL"));
        return new Directory(dir.toAbsolutePath().normalize());
    }

    /** A plain path, or a {@code file:} URL without a host, query or fragment, as a path. */
    private static Optional<Path> localPath(String location) {
        try {
            int colon = location.indexOf(':');
            if (colon > 1) { // a scheme (one letter would be a Windows drive)
                if (!location.regionMatches(true, 0, "file:", 0, 5)) {
                    return Optional.empty();
                }
                URI uri = new URI(location);
                if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()
                        || uri.getRawQuery() != null
                        || uri.getRawFragment() != null) {
                    return Optional.empty(); // file://host/... would reach another machine's share
                }
                if (uri.isOpaque()) { // file:relative/path
                    return Optional.of(Path.of(uri.getSchemeSpecificPart()));
                }
                return Optional.of(Path.of(uri.getPath()));
            }
            return Optional.of(Path.of(location));
        } catch (URISyntaxException | IllegalArgumentException e) { // InvalidPathException is one
            return Optional.empty();
        }
    }

    private static boolean safeClasspath(String path) {
        return !path.contains("\\")
                && !path.contains("%")
                && !List.of(path.split("/", -1)).contains("..");
    }

    private static int defaultPort(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private record Directory(Path dir) implements Place {
        @Override
        public boolean contains(String location) {
            return resolve(location).isPresent();
        }

        @Override
        public Optional<String> resolve(String location) {
            Optional<Path> path = localPath(location);
            if (path.isEmpty()) {
                return Optional.empty();
            }
            try {
                Path real = path.get().toAbsolutePath().toRealPath();
                Path root = Files.exists(dir) ? dir.toRealPath() : dir;
                if (!real.startsWith(root) || real.equals(root) || !entriesStayUnder(real, root)) {
                    return Optional.empty();
                }
                return Optional.of(real.toUri().toString());
            } catch (IOException | SecurityException | java.io.UncheckedIOException e) {
                return Optional.empty(); // missing or unreadable: refused alike, so a refusal tells nothing
            }
        }

        /** Every entry of a directory (two levels), links resolved, lies under {@code root}. */
        private static boolean entriesStayUnder(Path real, Path root) throws IOException {
            if (!Files.isDirectory(real)) {
                return true;
            }
            try (java.util.stream.Stream<Path> entries = Files.walk(real, 2)) {
                java.util.Iterator<Path> it = entries.iterator();
                for (int n = 0; it.hasNext(); n++) {
                    if (n > MAX_ENTRIES_CHECKED || !it.next().toRealPath().startsWith(root)) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    private record ClasspathPrefix(String prefix) implements Place {
        @Override
        public boolean contains(String location) {
            if (!location.regionMatches(true, 0, "classpath:", 0, 10)) {
                return false;
            }
            String path = location.substring(10).replaceFirst("^/+", "");
            return safeClasspath(path) && path.startsWith(prefix);
        }
    }

    private record WebPrefix(String scheme, String host, int port, String path) implements Place {
        @Override
        public boolean contains(String location) {
            try {
                URI uri = new URI(location);
                String raw = uri.getRawPath();
                boolean sameServer = uri.getScheme() != null
                        && uri.getScheme().equalsIgnoreCase(scheme)
                        && uri.getHost() != null
                        && uri.getHost().equalsIgnoreCase(host)
                        && defaultPort(uri) == port
                        && uri.getRawUserInfo() == null
                        && uri.getRawQuery() == null // DJL reads a model URL's query as arguments
                        && uri.getRawFragment() == null;
                if (!sameServer
                        || raw == null
                        || raw.toLowerCase(Locale.ROOT).matches(".*%(2e|2f|5c).*")
                        || List.of(raw.split("/", -1)).contains("..")
                        || List.of(raw.split("/", -1)).contains(".")) {
                    return false; // escaped or relative segments could climb out of the allowed path on the server
                }
                // the allowed path ends at a segment: https://h/resnet allows /resnet/..., not /resnet-private
                return raw.equals(path) || raw.startsWith(path.endsWith("/") ? path : path + "/");
            } catch (URISyntaxException e) {
                return false;
            }
        }
    }
}
