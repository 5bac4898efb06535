package dev.resnetserve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every package of the service says its role in a {@code package-info.java}. */
class PackageDocumentationTest {

    @Test
    void everyPackageHasItsPackageInfo() throws IOException {
        Path sources = Path.of("src/main/java");
        List<Path> packages;
        try (Stream<Path> files = Files.walk(sources)) {
            packages = files.filter(p -> p.toString().endsWith(".java"))
                    .map(Path::getParent)
                    .distinct()
                    .toList();
        }

        assertThat(packages)
                .hasSizeGreaterThan(10)
                .allSatisfy(dir -> assertThat(dir.resolve("package-info.java"))
                        .as("%s documents its role", sources.relativize(dir))
                        .exists()
                        .content()
                        .contains("/**")
                        .hasSizeGreaterThan(120));
    }
}
