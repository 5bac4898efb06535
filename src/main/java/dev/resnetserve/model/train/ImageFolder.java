package dev.resnetserve.model.train;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Collects a fine-tuning data set in torchvision's ImageFolder layout, {@code <label>/<file>}, from zip archives,
 * single uploaded files and directories, within {@link Limits} checked as the bytes arrive: a zip is read as a
 * stream and every entry's inflated bytes are counted, so a zip bomb stops at the limit, never after it. Entry names
 * that climb out ({@code ..}, absolute paths, drive letters, backslashes) refuse the whole data set. Files at the
 * top level, hidden files and {@code __MACOSX/} are passed over. Not thread-safe: one per upload.
 */
public final class ImageFolder {

    /**
     * What a data set may hold.
     *
     * @param maxImages     files kept (images or not)
     * @param maxClasses    distinct labels
     * @param maxImageBytes one file, inflated
     * @param maxTotalBytes all files, inflated
     * @param maxEntries    zip entries read, directories and skipped ones included
     */
    public record Limits(int maxImages, int maxClasses, long maxImageBytes, long maxTotalBytes, int maxEntries) {}

    /** A label: what a folder may be called (it becomes a line of synset.txt and a JSON key). */
    private static final Pattern LABEL = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} _.,()+'-]{0,63}");

    private static final int MAX_DEPTH = 8;

    private final Limits limits;
    private final List<LabelledImage> images = new ArrayList<>();
    private final Set<String> labels = new HashSet<>();
    private long totalBytes;
    private int entries;

    public ImageFolder(Limits limits) {
        this.limits = limits;
    }

    public List<LabelledImage> images() {
        return List.copyOf(images);
    }

    /** Every file of a zip archive in ImageFolder layout. */
    public ImageFolder addZip(InputStream zip) throws IOException {
        try (ZipInputStream in = new ZipInputStream(zip)) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (++entries > limits.maxEntries()) {
                    throw tooLarge("the zip has more than " + limits.maxEntries() + " entries");
                }
                String label = labelOf(entry.getName());
                if (!entry.isDirectory() && label != null) {
                    add(label, entry.getName(), in);
                }
            }
        } catch (ZipException malformed) {
            throw invalid("the dataset part is not a readable zip archive: " + malformed.getMessage());
        }
        return this;
    }

    /** One file whose name is {@code <label>/<name>}. */
    public ImageFolder addFile(String path, InputStream content) throws IOException {
        String label = labelOf(path == null ? "" : path);
        if (label == null) {
            throw invalid("an 'images' part must be named <label>/<file>, not '" + path + "'");
        }
        add(label, path, content);
        return this;
    }

    /** Every file under {@code directory/<label>/}. */
    public ImageFolder addDirectory(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory, MAX_DEPTH)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String relative = directory.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                String label = labelOf(relative);
                if (label != null) {
                    try (InputStream in = Files.newInputStream(file)) {
                        add(label, relative, in);
                    }
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return this;
    }

    /**
     * The label of a path in ImageFolder layout, or null for what is passed over (directories' own entries, files at
     * the top, hidden files, macOS resource forks).
     */
    static String labelOf(String path) {
        if (path.startsWith("/") || path.contains("\\") || path.matches("^[A-Za-z]:.*")) {
            throw invalid("the data set names a file outside it: '" + printable(path) + "'");
        }
        String[] parts = path.split("/", -1);
        for (String part : parts) {
            if (part.equals("..") || part.equals(".")) {
                throw invalid("the data set names a file outside it: '" + printable(path) + "'");
            }
        }
        if (parts.length > MAX_DEPTH) {
            throw invalid("'" + printable(path) + "' is nested deeper than " + MAX_DEPTH + " folders");
        }
        if (parts.length < 2 || parts[parts.length - 1].isEmpty() || parts[0].equals("__MACOSX")) {
            return null;
        }
        for (String part : parts) {
            if (part.startsWith(".")) {
                return null;
            }
        }
        if (!LABEL.matcher(parts[0]).matches()) {
            throw invalid("'" + printable(parts[0]) + "' is not a usable class name: letters, digits, spaces and"
                    + " _.,()+'- only, at most 64, starting with a letter or digit");
        }
        return parts[0];
    }

    private void add(String label, String name, InputStream content) throws IOException {
        if (images.size() >= limits.maxImages()) {
            throw tooLarge("the data set has more than " + limits.maxImages() + " files");
        }
        if (labels.add(label) && labels.size() > limits.maxClasses()) {
            throw tooLarge("the data set has more than " + limits.maxClasses() + " classes");
        }
        long room = Math.min(limits.maxImageBytes(), limits.maxTotalBytes() - totalBytes);
        byte[] bytes = content.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, room + 1));
        if (bytes.length > room) {
            throw tooLarge(
                    bytes.length > limits.maxImageBytes()
                            ? "'" + printable(name) + "' is larger than " + limits.maxImageBytes() + " bytes"
                            : "the data set is larger than " + limits.maxTotalBytes() + " bytes");
        }
        totalBytes += bytes.length;
        images.add(new LabelledImage(label, name, bytes));
    }

    private static String printable(String s) {
        String cleaned = s.replaceAll("\\p{Cntrl}", "?");
        return cleaned.length() > 100 ? cleaned.substring(0, 100) + "..." : cleaned;
    }

    private static ServiceException invalid(String message) {
        return new ServiceException(ErrorCode.INVALID_DATASET, message);
    }

    private static ServiceException tooLarge(String message) {
        return new ServiceException(ErrorCode.BODY_TOO_LARGE, message);
    }
}
