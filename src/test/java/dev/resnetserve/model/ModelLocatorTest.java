package dev.resnetserve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

class ModelLocatorTest {

    @TempDir
    Path work;

    @Test
    void classpathModelsUnpackPerVersion() {
        ModelLocator locator = new ModelLocator(new PathMatchingResourcePatternResolver(), work);

        Path one =
                locator.locate("demo", "1", "classpath:models/demo").directory().orElseThrow();
        Path two =
                locator.locate("demo", "2", "classpath:models/demo").directory().orElseThrow();

        assertThat(one).isNotEqualTo(two).startsWith(work);
        assertThat(one.resolve("synset.txt")).exists();
        assertThat(two.resolve("synset.txt")).exists();
    }

    @Test
    void aNameOrVersionCannotLeaveTheWorkDirectory() {
        ModelLocator locator = new ModelLocator(new PathMatchingResourcePatternResolver(), work);

        assertThatThrownBy(() -> locator.locate("..", "..", "classpath:models/demo"))
                .isInstanceOf(ModelLoadException.class);
    }
}
