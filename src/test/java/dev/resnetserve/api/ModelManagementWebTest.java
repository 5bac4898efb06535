package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import ai.djl.Device;
import dev.resnetserve.inference.BatchObserver;
import dev.resnetserve.inference.DeviceResolver;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.inference.ModelState;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.model.AllowedLocations;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.WorkerThreads;
import dev.resnetserve.support.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * The model management and description endpoints on the web layer alone (real controllers, advice, validation and
 * registry; no engine: the models' files are missing, so they fail to load in the background): validation
 * answers name the field, settings out of bounds are 400s, locations outside the allowed places are refused,
 * conflicts are 409s, and only a caller in the MANAGEMENT role sees where a model comes from.
 */
class ModelManagementWebTest {

    @TempDir
    Path work;

    private ModelRegistry registry;
    private ServedModel main;
    private MockMvc mvc;
    private Path allowed;

    @BeforeEach
    void web() throws Exception {
        allowed = Files.createDirectories(work.resolve("models"));
        Files.writeString(allowed.resolve("m.pt"), "not really a model");
        ModelLoader loader = ModelLoader.standalone(work.resolve("unpacked"));
        ModelSettings settings = ModelSettings.builder().build();
        main = new ServedModel(
                settings.spec("main", allowed.resolve("main.pt").toString()),
                settings.scheduling(),
                List.of(Device.cpu()));
        registry = new ModelRegistry(
                List.of(main),
                "main",
                loader,
                new DeviceResolver(() -> 0),
                Duration.ofSeconds(1),
                BatchObserver.NONE,
                new ModelRegistry.Limits(2, 2));
        registry.start();
        ManagementPolicy policy =
                new ManagementPolicy(true, new AllowedLocations(List.of("file:" + allowed + "/")), 64 * 1024);
        mvc = MockMvcBuilders.standaloneSetup(
                        new ModelManagementController(registry, policy), new ModelsController(registry))
                .setControllerAdvice(new ProblemDetailsAdvice())
                .build();
    }

    @AfterEach
    void stop() {
        registry.stop();
    }

    @Test
    void aRegistrationTakesTheDefaultsAndAnswers202WithItsUrl() throws Exception {
        mvc.perform(post("/v1/models")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"extra\",\"location\":\"" + allowed.resolve("m.pt") + "\"}"))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/v1/models/extra/versions/1"))
                .andExpect(jsonPath("$.workersPerDevice")
                        .value(WorkerThreads.defaults(Runtime.getRuntime().availableProcessors(), false)
                                .workers()))
                .andExpect(jsonPath("$.queueCapacity").value(64))
                .andExpect(jsonPath("$.batchMaxSize").value(8))
                .andExpect(jsonPath("$.requestTimeoutMs").value(30_000.0));
        assertThat(registry.serves("extra")).isTrue();
    }

    @Test
    void invalidSettingsAre400sNamingTheField() throws Exception {
        for (String body : new String[] {
            "\"workers\":65",
            "\"queueCapacity\":0",
            "\"batchMaxSize\":257",
            "\"batchMaxDelayMs\":10001",
            "\"requestTimeoutMs\":600001",
            "\"devices\":[\"tpu\"]",
            "\"preprocessing\":\"imagenet21k\"",
            "\"version\":\"../1\""
        }) {
            String field = body.substring(1, body.indexOf('"', 1));
            MvcResult result = mvc.perform(post("/v1/models")
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{\"name\":\"extra\",\"location\":\"" + allowed.resolve("m.pt") + "\"," + body
                                    + "}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.code").value("invalid_request"))
                    .andReturn();
            assertThat(result.getResponse().getContentAsString()).as(body).contains(field);
        }
        assertThat(registry.serves("extra")).isFalse();
    }

    @Test
    void locationsOutsideTheAllowedPlacesAndConflictsAreRefused() throws Exception {
        mvc.perform(post("/v1/models")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"extra\",\"location\":\"" + allowed + "/../models/m.pt\","
                                + "\"labels\":\"/etc/passwd\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("location_not_allowed"));
        mvc.perform(delete("/v1/models/main"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.code").value("model_conflict"));
        mvc.perform(put("/v1/models/main/default")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"version\":\"7\"}"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.code").value("model_not_found"));
    }

    @Test
    void aTrafficSplitIsCheckedShownAndReset() throws Exception {
        mvc.perform(post("/v1/models")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"main\",\"version\":\"2\",\"location\":\"" + allowed.resolve("m.pt")
                                + "\",\"makeDefault\":false}"))
                .andExpect(status().isAccepted());
        for (String[] refused : new String[][] {
            {"{\"1\": -1}", "the weight of version '1' must be an integer from 0 to 1000000, got -1"},
            {"{\"1\": 1.5}", "got 1.5"},
            {"{\"1\": \"90\"}", "got 90"},
            {"{\"1\": null}", "got null"},
            {"{\"1\": 3000000000}", "got 3000000000"},
            {"{\"1\": 1000001}", "got 1000001"},
            {"{\"1\": 0, \"2\": 0}", "must not all be 0"},
            {"{\"1\": 50, \"7\": 50}", "model 'main' has no version '7'; its versions are [1, 2]"}
        }) {
            MvcResult result = mvc.perform(put("/v1/models/main/traffic")
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(refused[0]))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.code").value("invalid_request"))
                    .andReturn();
            assertThat(result.getResponse().getContentType()).isEqualTo("application/problem+json");
            assertThat(result.getResponse().getContentAsString()).as(refused[0]).contains(refused[1]);
        }
        mvc.perform(put("/v1/models/nope/traffic")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"1\": 1}"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.code").value("model_not_found"));
        mvc.perform(get("/v1/models/main/traffic"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.defaultVersion").value("1"))
                .andExpect(jsonPath("$.weights").isEmpty());

        mvc.perform(put("/v1/models/main/traffic")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"1\": 90, \"2\": 10}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.weights.1").value(90))
                .andExpect(jsonPath("$.weights.2").value(10));
        mvc.perform(get("/v1/models/main/traffic"))
                .andExpect(jsonPath("$.model").value("main"))
                .andExpect(jsonPath("$.weights.2").value(10));
        mvc.perform(delete("/v1/models/main/traffic"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.weights").isEmpty());
        mvc.perform(put("/v1/models/main/traffic")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"2\": 1}"))
                .andExpect(status().isOk());
        mvc.perform(put("/v1/models/main/traffic")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.weights").isEmpty());
        assertThat(registry.traffic("main")).isEmpty();
    }

    @Test
    void onlyAManagerSeesWhereAModelComesFrom() throws Exception {
        Await.until("the unloadable model failed", () -> main.state() == ModelState.FAILED);
        String anonymous = mvc.perform(get("/v1/models/main"))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        String manager = mvc.perform(get("/v1/models/main").with(request -> {
                    request.addUserRole("MANAGEMENT");
                    return request;
                }))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();

        assertThat(anonymous).doesNotContain(allowed.toString()).contains("\"error\":\"failed to load\"");
        assertThat(manager)
                .contains("\"source\":\"" + allowed.resolve("main.pt"))
                .as("the load error names the path")
                .contains("\"error\":\"")
                .contains("main.pt");
    }
}
