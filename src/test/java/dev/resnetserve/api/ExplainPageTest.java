package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.model.train.ShapeGenerator;
import java.awt.Color;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The classify view's Explain toggle in a real headless Chromium: on the demo model, a generated shape gets the
 * service's heat map PNG over the preprocessed image, named by the method and the top-1 class the API gives;
 * clicking another class explains that one; a method the model cannot be explained with shows the API's problem.
 * Leaves a screenshot in target/explain-page.png.
 */
class ExplainPageTest extends BrowserTest {

    @TempDir
    Path dir;

    @BeforeEach
    void openPage() {
        browser.manage().window().setSize(new Dimension(1200, 1000));
        browser.get("http://127.0.0.1:" + port + "/");
        waitUntil(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#model option"), 1));
    }

    @Test
    void explainShowsTheHeatMapOfTheTopClassAndOfAClickedOne() throws Exception {
        byte[] image = circle();
        JsonNode api =
                client.post("/v1/models/demo/explain", "image/png", image).json();
        JsonNode classes = client.post("/v1/models/demo/classify?topK=5", "image/png", image)
                .json();
        String top = classes.get("predictions").get(0).get("label").asString();
        assertThat(api.get("target").get("label").asString()).isEqualTo(top);

        new Select(browser.findElement(By.id("model"))).selectByValue("demo");
        upload("circle.png", image);
        waitUntil(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#predictions li"), 5));
        assertThat(browser.findElement(By.id("explanation-figure")).isDisplayed())
                .as("no explanation before Explain is on")
                .isFalse();

        WebElement toggle = browser.findElement(By.id("explain"));
        assertThat(toggle.getAttribute("type")).isEqualTo("checkbox");
        toggle.click();
        waitForHeatMap();
        assertThat(text("explanation-method")).isEqualTo(api.get("method").asString());
        assertThat(text("explanation-target")).isEqualTo(top);
        assertThat(text("explanation-probability"))
                .isEqualTo(String.format(
                        java.util.Locale.ROOT,
                        "%.1f %%",
                        100 * api.get("target").get("probability").asDouble()));
        assertThat(explainRequests())
                .as("one request per explanation: the PNG, named by its headers")
                .isEqualTo(1);
        assertThat(browser.findElement(By.cssSelector("#predictions li.explained .prediction-label"))
                        .getText())
                .isEqualTo(top);
        assertThat(browser.findElement(By.id("explain-problem")).isDisplayed()).isFalse();
        Files.write(Path.of("target/explain-page.png"), browser.getScreenshotAs(OutputType.BYTES));

        // another class in the results list: its explanation, same method
        String second = classes.get("predictions").get(1).get("label").asString();
        String firstImage = browser.findElement(By.id("explanation")).getAttribute("src");
        List<WebElement> labels = browser.findElements(By.cssSelector("#predictions .prediction-label"));
        labels.get(1).click();
        waitUntil(d -> !firstImage.equals(d.findElement(By.id("explanation")).getAttribute("src"))
                && d.findElement(By.id("explanation-figure")).isDisplayed());
        waitForHeatMap();
        assertThat(text("explanation-target")).isEqualTo(second);
        assertThat(text("explanation-method")).isEqualTo(api.get("method").asString());
        assertThat(explainRequests()).isEqualTo(2);

        // off: the heat map goes
        browser.findElement(By.id("explain")).click();
        assertThat(browser.findElement(By.id("explanation-figure")).isDisplayed())
                .isFalse();
    }

    @Test
    void aMethodTheModelCannotRunShowsTheApisProblem() throws Exception {
        byte[] image = circle();
        JsonNode problem = client.post("/v1/models/parity/explain?method=grad-cam", "image/png", image)
                .json();
        assertThat(problem.get("code").asString()).isEqualTo("unsupported_method");

        new Select(browser.findElement(By.id("model"))).selectByValue("parity");
        new Select(browser.findElement(By.id("explain-method"))).selectByValue("grad-cam");
        browser.findElement(By.id("explain")).click();
        upload("circle.png", image);
        WebElement shown = waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("explain-problem")));

        assertThat(shown.getAttribute("role")).isEqualTo("alert");
        assertThat(shown.getText())
                .contains(
                        Integer.toString(problem.get("status").asInt()),
                        problem.get("title").asString(),
                        problem.get("detail").asString(),
                        problem.get("code").asString());
        assertThat(browser.findElement(By.id("explanation-figure")).isDisplayed())
                .isFalse();
        assertThat(browser.findElements(By.cssSelector("#predictions li"))).isNotEmpty();
    }

    private void waitForHeatMap() {
        waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("explanation-figure")));
        JavascriptExecutor js = browser;
        waitUntil(d -> (Boolean) js.executeScript(
                "const i = document.getElementById('explanation'); return i.complete && i.naturalWidth > 0"));
        assertThat(browser.findElement(By.id("explanation")).getAttribute("src"))
                .startsWith("blob:");
        assertThat(browser.findElement(By.id("explanation")).getAttribute("alt"))
                .isNotBlank();
    }

    private static byte[] circle() {
        return ShapeGenerator.placed("circle", 128, 128, 40, 44, 44, new Color(235, 235, 225), new Color(30, 60, 150));
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private void upload(String name, byte[] content) throws Exception {
        File file = dir.resolve(name).toFile();
        Files.write(file.toPath(), content);
        browser.findElement(By.id("file")).sendKeys(file.getAbsolutePath());
    }

    private static <T> T waitUntil(ExpectedCondition<T> condition) {
        return new WebDriverWait(browser, Duration.ofSeconds(30)).until(condition);
    }

    /** The explain requests the page has sent (the browser's resource timing entries). */
    private long explainRequests() {
        return ((Number) ((JavascriptExecutor) browser)
                        .executeScript("return performance.getEntriesByType('resource')"
                                + ".filter(e => e.name.includes('/explain')).length"))
                .longValue();
    }
}
