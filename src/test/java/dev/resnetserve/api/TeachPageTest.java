package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.model.ModelDescriptor;
import dev.resnetserve.model.train.ShapeGenerator;
import dev.resnetserve.support.Multipart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The page's Teach view in a real headless Chromium: four classes named in the page, images chosen or dropped into
 * each, trained from the demo model with a progress bar, the accuracy per class and the confusion matrix as the job
 * reports them, then the new model tried in the classify view; a class of one image shows the API's problem; a
 * running job is cancelled with the page's Cancel button. The service writes to its own temporary model repository.
 * Leaves a screenshot of the results in target/teach-page.png.
 */
@TestPropertySource(properties = "resnet.model-repository-poll=0s")
class TeachPageTest extends BrowserTest {

    private static final Path REPOSITORY = temporaryDirectory();
    private static final List<String> CLASSES = ShapeGenerator.NOVEL_CLASSES;

    @TempDir
    Path dir;

    @DynamicPropertySource
    static void repository(DynamicPropertyRegistry properties) {
        properties.add("resnet.model-repository", REPOSITORY::toString);
    }

    @BeforeEach
    void openTeachView() {
        browser.get("about:blank"); // a new page: the same URL with a fragment would not load it again
        browser.get("http://127.0.0.1:" + port + "/#teach");
        waitUntil(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#teach-base option"), 1));
        assertThat(browser.findElement(By.id("teach-view")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("classify-view")).isDisplayed()).isFalse();
    }

    @Test
    void teachesFourClassesShowsWhatItLearnedAndClassifiesWithTheNewModel() throws Exception {
        assertThat(new Select(browser.findElement(By.id("teach-base")))
                        .getFirstSelectedOption()
                        .getAttribute("value"))
                .as("the demo model is the default base")
                .isEqualTo("demo");
        assertThat(new Select(browser.findElement(By.id("teach-mode")))
                        .getFirstSelectedOption()
                        .getAttribute("value"))
                .isEqualTo("head");
        click("add-class");
        click("add-class");
        assertThat(browser.findElements(By.cssSelector("#classes .teach-class")))
                .hasSize(4);

        Map<String, List<Path>> images = shapes(4, 7);
        for (int c = 0; c < 3; c++) {
            name(c + 1, CLASSES.get(c));
            choose(c + 1, images.get(CLASSES.get(c)));
        }
        name(4, CLASSES.get(3));
        drop(4, images.get(CLASSES.get(3)));
        for (int c = 1; c <= 4; c++) {
            assertThat(browser.findElement(By.cssSelector("#classes li:nth-child(" + c + ") .class-count"))
                            .getText())
                    .isEqualTo("4 images");
            assertThat(browser.findElements(By.cssSelector("#classes li:nth-child(" + c + ") .thumbs img")))
                    .hasSize(4);
        }
        everyControlHasALabel();

        String model = "taught";
        type("teach-name", model);
        type("teach-epochs", "5");
        browser.findElement(By.cssSelector(".teach-more summary")).click();
        click("teach-test-views"); // the new model answers the mean over each image and its mirror image
        type("teach-input-size", "160"); // and takes 160 px where the demo takes 192
        recordTrainingView();
        click("train");

        WebElement result = waitUntil(
                ExpectedConditions.visibilityOfElementLocated(By.id("training-result")), Duration.ofSeconds(180));
        JsonNode job = jobNamed(model);
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode metrics = job.get("metrics");

        List<Map<String, Object>> seen = recorded();
        // a job of 16 images can end between two polls (0.1 s on the CI machine): the page must have shown it
        // running, in whichever state the job answered first, never which phase
        assertThat(seen).as("the progress the page showed while the job ran").anySatisfy(view -> {
            assertThat((String) view.get("status"))
                    .matches("Queued behind another training job…|Embedding the images: \\d+ of \\d+"
                            + "|Training: epoch \\d+ of \\d+");
            assertThat(view.get("cancel")).as("Cancel shown").isEqualTo(true);
            assertThat(view.get("train")).as("Train disabled").isEqualTo(false);
        });
        assertThat(seen)
                .filteredOn(view -> ((String) view.get("status")).startsWith("Embedding the images"))
                .allSatisfy(view -> assertThat(view.get("phase")).isEqualTo("embedding"));
        assertThat(seen)
                .filteredOn(view -> ((String) view.get("status")).startsWith("Training: epoch"))
                .allSatisfy(view -> assertThat(view.get("phase")).isEqualTo("training"));
        assertThat(browser.findElement(By.id("training-progress")).getAttribute("aria-valuenow"))
                .isEqualTo("100");
        assertThat(browser.findElement(By.id("cancel-training")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("training-status")).getText())
                .startsWith("Trained taught (version 1) from demo in ");

        List<String> labels = texts("#per-class .prediction-label");
        assertThat(labels).containsExactlyElementsOf(strings(metrics.get("classes")));
        assertThat(labels).containsExactlyInAnyOrderElementsOf(CLASSES);
        List<String> accuracies = texts("#per-class .prediction-value");
        for (int i = 0; i < labels.size(); i++) {
            double accuracy = metrics.get("perClass").get(labels.get(i)).asDouble();
            assertThat(accuracies.get(i)).isEqualTo(String.format(java.util.Locale.ROOT, "%.1f %%", accuracy * 100));
        }

        assertThat(texts("#confusion thead th")).containsExactlyElementsOf(concat("true \\ answered", labels));
        assertThat(texts("#confusion tbody th")).containsExactlyElementsOf(labels);
        List<WebElement> rows = browser.findElements(By.cssSelector("#confusion tbody tr"));
        assertThat(rows).hasSize(4);
        int counted = 0;
        for (int r = 0; r < 4; r++) {
            List<String> cells = rows.get(r).findElements(By.tagName("td")).stream()
                    .map(WebElement::getText)
                    .toList();
            assertThat(cells).hasSize(4);
            for (int c = 0; c < 4; c++) {
                assertThat(cells.get(c))
                        .isEqualTo(Integer.toString(
                                metrics.get("confusion").get(r).get(c).asInt()));
                counted += Integer.parseInt(cells.get(c));
            }
        }
        assertThat(counted)
                .as("one held-out image per class")
                .isEqualTo(metrics.get("validationImages").asInt())
                .isEqualTo(4);
        assertThat(result.getText()).contains("16 images (12 to train on, 4 held out)");
        assertThat(Files.readString(REPOSITORY.resolve(model).resolve("1").resolve(ModelDescriptor.FILE_NAME)))
                .as("the model answers the mean of the views it learned from (mirror, the default)")
                .contains("test-views=mirror")
                .as("the input size asked for, the demo's preprocessing scaled to it")
                .contains("input-size=160", "preprocessing.width=160", "preprocessing.height=160");

        browser.manage().window().setSize(new Dimension(1200, 1600));
        Files.write(Path.of("target/teach-page.png"), browser.getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(new Dimension(390, 844));
        assertThat((Boolean) ((JavascriptExecutor) browser)
                        .executeScript("return document.documentElement.scrollWidth <= window.innerWidth"))
                .as("no sideways scrolling at phone width, results shown")
                .isTrue();
        browser.manage().window().setSize(new Dimension(1200, 900));

        click("try-model");
        waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("classify-view")), Duration.ofSeconds(120));
        assertThat(browser.findElement(By.id("teach-view")).isDisplayed()).isFalse();
        assertThat(new Select(browser.findElement(By.id("model")))
                        .getFirstSelectedOption()
                        .getAttribute("value"))
                .isEqualTo(model);
        assertThat(browser.findElement(By.id("model-info")).getText()).contains("4 classes");

        ShapeGenerator.Sample heart = new ShapeGenerator(99, CLASSES).squareSample(0, 160);
        Path image = dir.resolve("try." + heart.format());
        Files.write(image, heart.encoded());
        browser.findElement(By.id("file")).sendKeys(image.toString());
        waitUntil(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#predictions li"), 4));
        assertThat(texts("#predictions .prediction-label")).containsExactlyInAnyOrderElementsOf(CLASSES);
        assertThat(browser.findElement(By.id("status")).getText()).startsWith("taught (version 1) on cpu");
    }

    @Test
    void aClassOfOneImageShowsTheApisProblem() throws Exception {
        Map<String, List<Path>> images = shapes(2, 8);
        name(1, "heart");
        choose(1, images.get("heart"));
        name(2, "arrow");
        choose(2, images.get("arrow").subList(0, 1));
        type("teach-name", "lonely");
        click("train");

        WebElement shown = waitUntil(ExpectedConditions.visibilityOfElementLocated(By.id("teach-problem")));
        Map<String, byte[]> same = new LinkedHashMap<>();
        same.put("heart/1.png", Files.readAllBytes(images.get("heart").get(0)));
        same.put("heart/2.png", Files.readAllBytes(images.get("heart").get(1)));
        same.put("arrow/1.png", Files.readAllBytes(images.get("arrow").get(0)));
        byte[] body = new Multipart()
                .field("name", "lonely")
                .file("dataset", "dataset.zip", Multipart.zip(same))
                .build();
        JsonNode problem = client.post("/v1/models/demo/fine-tune", Multipart.CONTENT_TYPE, body)
                .json();
        assertThat(problem.get("code").asString()).isEqualTo("invalid_dataset");
        assertThat(problem.get("detail").asString()).contains("arrow (1)");

        assertThat(shown.getAttribute("role")).isEqualTo("alert");
        assertThat(shown.getText())
                .contains(
                        Integer.toString(problem.get("status").asInt()),
                        problem.get("title").asString(),
                        problem.get("detail").asString(),
                        "code: invalid_dataset");
        assertThat(browser.findElement(By.id("train")).isEnabled()).isTrue();
        assertThat(browser.findElement(By.id("cancel-training")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("training-result")).isDisplayed()).isFalse();
        assertThat(client.get("/v1/jobs").json().values().stream()
                        .map(j -> j.get("name").asString()))
                .doesNotContain("lonely");
    }

    @Test
    void aRunningJobIsCancelledWithTheCancelButton() throws Exception {
        Map<String, List<Path>> images = shapes(4, 9);
        for (int c = 0; c < 2; c++) {
            name(c + 1, CLASSES.get(c));
            choose(c + 1, images.get(CLASSES.get(c)));
        }
        type("teach-name", "cancelled");
        // every layer for 500 epochs: minutes of work (head mode's 500 epochs of a linear layer on 12 cached views
        // took 0.7 s on the CI machine, and the job ended before the test could click Cancel)
        new Select(browser.findElement(By.id("teach-mode"))).selectByValue("all");
        type("teach-epochs", "500");
        click("train");

        WebElement cancel = waitUntil(ExpectedConditions.elementToBeClickable(By.id("cancel-training")));
        cancel.click();
        waitUntil(ExpectedConditions.textToBe(By.id("training-status"), "Cancelled: no model was made."));
        assertThat(jobNamed("cancelled").get("state").asString()).isEqualTo("CANCELLED");
        assertThat(browser.findElement(By.id("cancel-training")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("train")).isEnabled()).isTrue();
        assertThat(browser.findElement(By.id("training-result")).isDisplayed()).isFalse();
        assertThat(registry.serves("cancelled")).isFalse();
    }

    /** Every input and select, the Teach view's included, has a label; every button a name. */
    private void everyControlHasALabel() {
        JavascriptExecutor js = browser;
        Object unlabelled = js.executeScript("return [...document.querySelectorAll('input, select')]"
                + ".filter(c => c.labels.length === 0).map(c => c.id)");
        assertThat((List<?>) unlabelled).isEmpty();
        Object unnamed = js.executeScript("return [...document.querySelectorAll('button')]"
                + ".filter(b => !(b.getAttribute('aria-label') || b.textContent.trim())).map(b => b.id)");
        assertThat((List<?>) unnamed).isEmpty();
    }

    /** Records what the training section shows at every change, so a short job's progress is not missed. */
    private void recordTrainingView() {
        ((JavascriptExecutor) browser).executeScript("""
                window.seen = [];
                const record = () => window.seen.push({
                  status: document.getElementById('training-status').textContent,
                  phase: document.getElementById('training-progress').dataset.phase || '',
                  cancel: !document.getElementById('cancel-training').hidden,
                  train: !document.getElementById('train').disabled,
                });
                new MutationObserver(record).observe(document.getElementById('teach-view'),
                  { subtree: true, childList: true, characterData: true, attributes: true });
                """);
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> recorded() {
        return (List<Map<String, Object>>) ((JavascriptExecutor) browser).executeScript("return window.seen");
    }

    /** {@code perClass} 160-pixel images of each novel shape, written to files, by class. */
    private Map<String, List<Path>> shapes(int perClass, long seed) throws IOException {
        ShapeGenerator generator = new ShapeGenerator(seed, CLASSES);
        Map<String, List<Path>> files = new LinkedHashMap<>();
        for (int i = 0; i < perClass * CLASSES.size(); i++) {
            ShapeGenerator.Sample sample = generator.squareSample(i, 160);
            String label = CLASSES.get(sample.label());
            Path file = dir.resolve(label + "-" + i + "." + sample.format());
            Files.write(file, sample.encoded());
            files.computeIfAbsent(label, l -> new ArrayList<>()).add(file);
        }
        return files;
    }

    private void name(int classNumber, String label) {
        browser.findElement(By.id("class-name-" + classNumber)).sendKeys(label);
    }

    /** Several files at once through the class's file input (of a class without images yet). */
    private void choose(int classNumber, List<Path> files) {
        WebElement input = browser.findElement(By.id("class-files-" + classNumber));
        input.sendKeys(String.join("\n", files.stream().map(Path::toString).toList()));
        waitUntil(ExpectedConditions.textToBePresentInElement(
                input.findElement(By.xpath("ancestor::li")).findElement(By.className("class-count")),
                files.size() == 1 ? "1 image" : files.size() + " images"));
    }

    /** Drops files on the class's drop zone, as a drag from the desktop delivers them. */
    private void drop(int classNumber, List<Path> files) throws IOException {
        List<Map<String, String>> encoded = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            encoded.add(Map.of(
                    "name",
                    name,
                    "type",
                    name.endsWith(".png") ? "image/png" : "image/jpeg",
                    "data",
                    Base64.getEncoder().encodeToString(Files.readAllBytes(file))));
        }
        ((JavascriptExecutor) browser)
                .executeScript("""
                const [input, files] = arguments;
                const transfer = new DataTransfer();
                for (const f of files) {
                  const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
                  transfer.items.add(new File([bytes], f.name, { type: f.type }));
                }
                const zone = input.closest('.drop-zone');
                for (const type of ['dragenter', 'dragover', 'drop']) {
                  zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
                }
                """, browser.findElement(By.id("class-files-" + classNumber)), encoded);
    }

    private void type(String id, String text) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    private void click(String id) {
        browser.findElement(By.id(id)).click();
    }

    private List<String> texts(String css) {
        return browser.findElements(By.cssSelector(css)).stream()
                .map(WebElement::getText)
                .toList();
    }

    private JsonNode jobNamed(String name) {
        return client.get("/v1/jobs").json().values().stream()
                .filter(job -> job.get("name").asString().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static List<String> strings(JsonNode array) {
        return array.values().stream().map(JsonNode::asString).toList();
    }

    private static List<String> concat(String first, List<String> rest) {
        return Stream.concat(Stream.of(first), rest.stream()).toList();
    }

    private static <T> T waitUntil(ExpectedCondition<T> condition) {
        return waitUntil(condition, Duration.ofSeconds(30));
    }

    private static <T> T waitUntil(ExpectedCondition<T> condition, Duration timeout) {
        return new WebDriverWait(browser, timeout)
                .withMessage(() -> "the page shows: "
                        + browser.findElement(By.id("teach-view")).getText())
                .until(condition);
    }

    private static Path temporaryDirectory() {
        try {
            Path directory = Files.createTempDirectory("teach-page-repository");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(directory)));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: what is left, the system cleans
        }
    }
}
