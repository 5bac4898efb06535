package dev.resnetserve.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.support.Multipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The data set reader's bounds hold as the bytes arrive, and no entry name leaves the data set. */
class ImageFolderTest {

    private static final ImageFolder.Limits LIMITS = new ImageFolder.Limits(10, 3, 1 << 20, 3 << 20, 40);
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};

    @ParameterizedTest
    @ValueSource(
            strings = {
                "../evil/a.png",
                "cats/../../a.png",
                "/etc/cats/a.png",
                "C:/cats/a.png",
                "cats\\..\\a.png",
                "./cats/a.png"
            })
    void anEntryNamingAFileOutsideRefusesTheWholeDataSet(String name) {
        byte[] zip = Multipart.zip(Map.of("cats/1.png", PNG, name, PNG));
        assertRefused(() -> new ImageFolder(LIMITS).addZip(in(zip)), ErrorCode.INVALID_DATASET, "outside");
    }

    @Test
    void aZipBombStopsAtTheFileLimitNotAfterIt() {
        CountingZip bomb = new CountingZip(Multipart.zip(Map.of("cats/bomb.png", new byte[256 << 20])));
        assertRefused(() -> new ImageFolder(LIMITS).addZip(bomb), ErrorCode.BODY_TOO_LARGE, "larger than 1048576");
        assertThat(bomb.read)
                .as("compressed bytes read: the bomb is about 256 KiB")
                .isLessThan(64 << 10);
    }

    @Test
    void manySmallFilesStopAtTheTotalLimit() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            files.put("cats/" + i + ".png", new byte[(1 << 20) - 10]);
        }
        assertRefused(
                () -> new ImageFolder(LIMITS).addZip(in(Multipart.zip(files))),
                ErrorCode.BODY_TOO_LARGE,
                "the data set is larger than 3145728");
    }

    @Test
    void countsOfFilesClassesAndEntriesAreBounded() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 11; i++) {
            files.put("cats/" + i + ".png", PNG);
        }
        assertRefused(
                () -> new ImageFolder(LIMITS).addZip(in(Multipart.zip(files))), ErrorCode.BODY_TOO_LARGE, "10 files");
        Map<String, byte[]> classes = Map.of("a/1.png", PNG, "b/1.png", PNG, "c/1.png", PNG, "d/1.png", PNG);
        assertRefused(
                () -> new ImageFolder(LIMITS).addZip(in(Multipart.zip(classes))),
                ErrorCode.BODY_TOO_LARGE,
                "3 classes");
        Map<String, byte[]> skipped = new LinkedHashMap<>();
        for (int i = 0; i < 41; i++) {
            skipped.put("__MACOSX/cats/" + i, PNG);
        }
        assertRefused(
                () -> new ImageFolder(LIMITS).addZip(in(Multipart.zip(skipped))),
                ErrorCode.BODY_TOO_LARGE,
                "40 entries");
    }

    @Test
    void topLevelFilesHiddenFilesAndResourceForksArePassedOver() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("README.md", PNG);
        files.put("cats/.DS_Store", PNG);
        files.put("__MACOSX/cats/._1.png", PNG);
        files.put("cats/", new byte[0]);
        files.put("cats/1.png", PNG);
        files.put("dogs/puppies/2.png", PNG);
        ImageFolder folder = new ImageFolder(LIMITS).addZip(in(Multipart.zip(files)));
        assertThat(folder.images()).extracting(LabelledImage::label).containsExactly("cats", "dogs");
    }

    @Test
    void aClassNameMustBePrintable() {
        assertRefused(
                () -> new ImageFolder(LIMITS).addFile("ca\nts/1.png", in(PNG)),
                ErrorCode.INVALID_DATASET,
                "class name");
        assertRefused(() -> new ImageFolder(LIMITS).addFile("1.png", in(PNG)), ErrorCode.INVALID_DATASET, "<label>");
    }

    @Test
    void aDirectoryIsReadAsAZipIs(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("cats"));
        Files.write(dir.resolve("cats/1.png"), PNG);
        Files.write(dir.resolve("top.png"), PNG);
        assertThat(new ImageFolder(LIMITS).addDirectory(dir).images())
                .singleElement()
                .satisfies(image -> assertThat(image.name()).isEqualTo("cats/1.png"));
    }

    private static InputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    private static void assertRefused(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        ServiceException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(message);
    }

    /** A zip stream that counts the compressed bytes taken from it. */
    private static final class CountingZip extends ByteArrayInputStream {
        long read;

        CountingZip(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            read += Math.max(0, n);
            return n;
        }
    }
}
