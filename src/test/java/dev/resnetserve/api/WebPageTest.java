package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.support.Fixtures;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The try-it page at {@code /} in a real headless Chromium (Debian's chromium and chromium-driver): pick an image,
 * see the same top classes the API gives and the stage timings; a bad file shows the API's problem detail; it fits a
 * phone's width and loads nothing from elsewhere. Leaves a screenshot in target/web-page.png.
 */
class WebPageTest extends BrowserTest {

    @TempDir
    Path dir;

    @BeforeEach
    void openPage() {
        browser.manage().window().setSize(new Dimension(1200, 900));
        browser.get("http://127.0.0.1:" + port + "/");
        waitUntil(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#model option"), 1));
    }

    @Test
    void anImageGetsTheApisTopClassesAndItsStageTimings() throws Exception {
        byte[] image = Fixtures.bytes("shapes-pil/002-triangle.png");
        JsonNode api = client.post("/v1/classify?topK=5", "image/png", image).json();

        upload("triangle.png", image);
        waitUntil(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#predictions li"), 5));

        List<WebElement> labels = browser.findElements(By.cssSelector("#predictions .prediction-label"));
        List<WebElement> values = browser.findElements(By.cssSelector("#predictions .prediction-value"));
        for (int i = 0; i < 5; i++) {
            JsonNode expected = api.get("predictions").get(i);
            assertThat(labels.get(i).getText()).isEqualTo(expected.get("label").asString());
            double percent = expected.get("probability").asDouble() * 100;
            if (percent >= 0.1) {
                assertThat(values.get(i).getText()).isEqualTo(String.format(Locale.ROOT, "%.1f %%", percent));
            }
        }
        assertThat(new Select(browser.findElement(By.id("model")))
                        .getFirstSelectedOption()
                        .getAttribute("value"))
                .isEqualTo(api.get("model").asString());

        List<WebElement> stages = browser.findElements(By.cssSelector("#timing-legend li"));
        assertThat(stages)
                .extracting(stage -> stage.getAttribute("data-stage"))
                .containsExactly("decode", "preprocess", "queue", "inference", "postprocess");
        assertThat(stages).allSatisfy(stage -> assertThat(stage.getText()).matches("[a-z]+ \\d+\\.\\d ms"));
        assertThat(browser.findElement(By.id("timings")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("preview")).getAttribute("src")).startsWith("blob:");

        browser.manage().window().setSize(new Dimension(1200, 1040));
        Files.write(Path.of("target/web-page.png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void aBadFileShowsTheApisProblemDetail() throws Exception {
        byte[] notAnImage = "this is not a JPEG".getBytes();
        JsonNode problem = client.post("/v1/classify", "image/jpeg", notAnImage).json();

        upload("broken.jpg", notAnImage);
        WebElement shown = waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("problem")));

        assertThat(shown.getAttribute("role")).isEqualTo("alert");
        assertThat(shown.getText())
                .contains(
                        Integer.toString(problem.get("status").asInt()),
                        problem.get("title").asString(),
                        problem.get("detail").asString(),
                        problem.get("code").asString());
        assertThat(browser.findElements(By.cssSelector("#predictions li"))).isEmpty();
    }

    @Test
    void fitsAPhoneScreenAndLoadsNothingFromElsewhere() throws Exception {
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        waitUntil(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#model option"), 1));
        upload("circle.jpg", Fixtures.bytes("shapes-pil/000-circle.jpg"));
        waitUntil(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#predictions li"), 5));

        JavascriptExecutor js = browser;
        assertThat((Boolean) js.executeScript("return document.documentElement.scrollWidth <= window.innerWidth"))
                .as("no sideways scrolling")
                .isTrue();
        assertThat((Boolean) js.executeScript("return performance.getEntriesByType('resource')"
                        + ".every(e => e.name.startsWith(location.origin) || e.name.startsWith('blob:'))"))
                .as("every resource from this service")
                .isTrue();
        assertThat(browser.findElements(By.cssSelector("a[href='swagger-ui.html'], a[href='actuator/prometheus']")))
                .hasSize(2);
    }

    @Test
    void everyControlHasALabel() {
        JavascriptExecutor js = browser;
        Object unlabelled = js.executeScript("return [...document.querySelectorAll('input, select')]"
                + ".filter(c => c.labels.length === 0).map(c => c.id)");
        assertThat((List<?>) unlabelled).isEmpty();
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
    }

    private void upload(String name, byte[] content) throws Exception {
        File file = dir.resolve(name).toFile();
        Files.write(file.toPath(), content);
        browser.findElement(By.id("file")).sendKeys(file.getAbsolutePath());
    }

    private static <T> T waitUntil(org.openqa.selenium.support.ui.ExpectedCondition<T> condition) {
        return new WebDriverWait(browser, Duration.ofSeconds(20)).until(condition);
    }
}
