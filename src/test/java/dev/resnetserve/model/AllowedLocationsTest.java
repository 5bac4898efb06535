package dev.resnetserve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locations are compared as places after they are made canonical, never as strings. */
class AllowedLocationsTest {

    @TempDir
    Path root;

    Path models;
    Path model;
    Path secret;
    AllowedLocations allowed;

    @BeforeEach
    void tree() throws Exception {
        models = Files.createDirectories(root.resolve("models"));
        model = Files.writeString(Files.createDirectories(models.resolve("r50")).resolve("model.pt"), "weights");
        secret = Files.writeString(root.resolve("secret.txt"), "not a model");
        Files.createDirectories(root.resolve("models-evil"));
        Files.writeString(root.resolve("models-evil/model.pt"), "weights");
        Files.createSymbolicLink(models.resolve("escape.pt"), secret);
        Files.createSymbolicLink(models.resolve("linked-dir"), root);
        allowed = new AllowedLocations(
                List.of("file:" + models + "/", "classpath:models/", "https://models.example.com/resnet/"));
    }

    @Test
    void filesUnderTheDirectoryAreAllowedAsPathsOrFileUrls() {
        assertThat(allowed.allows(model.toString())).isTrue();
        assertThat(allowed.allows(model.toUri().toString())).isTrue();
        assertThat(allowed.allows("file:" + model)).isTrue();
        assertThat(allowed.allows("file://" + model))
                .as("file:// with an empty host")
                .isTrue();
        assertThat(allowed.allows(models.resolve("r50") + "/"))
                .as("a model directory")
                .isTrue();
        assertThat(allowed.allows(null)).as("optional labels left out").isTrue();
    }

    @Test
    void nothingEscapesTheDirectory() {
        assertThat(allowed.allows(models + "/../secret.txt")).isFalse();
        assertThat(allowed.allows("file:" + models + "/../secret.txt")).isFalse();
        assertThat(allowed.allows("file:" + models + "/%2e%2e/secret.txt"))
                .as("escaped dots, decoded then resolved")
                .isFalse();
        assertThat(allowed.allows(models.resolve("escape.pt").toString()))
                .as("a symbolic link out")
                .isFalse();
        assertThat(allowed.allows(models.resolve("linked-dir/secret.txt").toString()))
                .isFalse();
        assertThat(allowed.allows(root.resolve("models-evil/model.pt").toString()))
                .as("a sibling sharing the prefix")
                .isFalse();
        assertThat(allowed.allows(models.toString())).as("the directory itself").isFalse();
        assertThat(allowed.allows(models.resolve("missing.pt").toString())).isFalse();
        assertThat(allowed.allows("file://evil.example.com" + model))
                .as("a host in a file: URL")
                .isFalse();
        assertThat(allowed.allows("/etc/passwd")).isFalse();
        assertThat(allowed.allows("file:/dev/zero")).isFalse();
        assertThat(allowed.allows(model + "\n")).isFalse();
    }

    @Test
    void aLocalLocationIsStoredAsTheRealPathThatWasChecked() throws Exception {
        Path alias = Files.createSymbolicLink(models.resolve("alias"), models.resolve("r50"));
        assertThat(allowed.resolve(alias.resolve("model.pt").toString()))
                .as("read later from the real path, not through the link")
                .contains(model.toRealPath().toUri().toString());
        assertThat(allowed.resolve("models/r50/model.pt"))
                .as("a relative path is a file, never a classpath resource")
                .isEmpty(); // relative to the working directory: not under the allowed directory here
        assertThat(allowed.resolve("classpath:models/demo")).contains("classpath:models/demo");
    }

    @Test
    void aModelDirectoryWithAFileLinkedOutIsRefused() throws Exception {
        Path sneaky = Files.createDirectories(models.resolve("sneaky"));
        Files.writeString(sneaky.resolve("model.pt"), "weights");
        Files.createSymbolicLink(sneaky.resolve("synset.txt"), secret);
        assertThat(allowed.allows(sneaky.toString())).isFalse();
        Files.delete(sneaky.resolve("synset.txt"));
        assertThat(allowed.allows(sneaky.toString())).isTrue();
    }

    @Test
    void classpathByPrefixWithoutTraversal() {
        assertThat(allowed.allows("classpath:models/demo")).isTrue();
        assertThat(allowed.allows("classpath:/models/demo/synset.txt")).isTrue();
        assertThat(allowed.allows("classpath:models/../application.yml")).isFalse();
        assertThat(allowed.allows("classpath:models/%2e%2e/application.yml")).isFalse();
        assertThat(allowed.allows("classpath:application.yml")).isFalse();
        assertThat(allowed.allows("classpath:models\\..\\application.yml")).isFalse();
    }

    @Test
    void urlsByExactHostAndNormalisedPath() {
        assertThat(allowed.allows("https://models.example.com/resnet/r50.zip")).isTrue();
        assertThat(allowed.allows("https://MODELS.example.com/resnet/r50.zip")).isTrue();
        assertThat(allowed.allows("https://models.example.com:443/resnet/r50.zip"))
                .isTrue();
        assertThat(allowed.allows("https://models.example.com.evil/resnet/r50.zip"))
                .isFalse();
        assertThat(allowed.allows("https://models.example.com@evil.example/resnet/r50.zip"))
                .isFalse();
        assertThat(allowed.allows("https://models.example.com:8443/resnet/r50.zip"))
                .isFalse();
        assertThat(allowed.allows("http://models.example.com/resnet/r50.zip"))
                .as("another scheme")
                .isFalse();
        assertThat(allowed.allows("https://models.example.com/resnet/../admin")).isFalse();
        assertThat(allowed.allows("https://models.example.com/resnet/%2e%2e/admin"))
                .isFalse();
        assertThat(allowed.allows("https://models.example.com/other/r50.zip")).isFalse();
        assertThat(allowed.allows("djl://ai.djl.pytorch/resnet")).isFalse();
        assertThat(allowed.allows("https://models.example.com/resnet/r50.zip?model_name=x"))
                .as("a query")
                .isFalse();
        assertThat(allowed.allows("https://models.example.com/resnet/r50.zip#x"))
                .isFalse();
        AllowedLocations withoutSlash = new AllowedLocations(List.of("https://models.example.com/resnet"));
        assertThat(withoutSlash.allows("https://models.example.com/resnet/r50.zip"))
                .isTrue();
        assertThat(withoutSlash.allows("https://models.example.com/resnet-private/r50.zip"))
                .as("the prefix ends at a segment")
                .isFalse();
    }

    @Test
    void aMalformedAllowedEntryStopsTheService() {
        assertThatThrownBy(() -> new AllowedLocations(List.of("classpath:models/../")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AllowedLocations(List.of("ftp://host/")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AllowedLocations(List.of("https://user@host/")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
