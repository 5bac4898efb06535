package dev.resnetserve.api.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import ai.djl.Device;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.resnetserve.api.RequestLimits;
import dev.resnetserve.inference.InferenceResult;
import dev.resnetserve.inference.ModelNotFoundException;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.inference.ModelState;
import dev.resnetserve.inference.QueueFullException;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.model.Labels;
import dev.resnetserve.serving.Classified;
import dev.resnetserve.serving.Classifier;
import dev.resnetserve.serving.TensorInference;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.info.BuildProperties;
import org.springframework.http.MediaType;
import org.springframework.http.converter.ByteArrayHttpMessageConverter;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Open Inference Protocol's REST adapter on the web layer: the real controller, request reader, tensor data,
 * answer dressing and error advice, with the real {@link TensorInference} checks; only the {@link Classifier} and the
 * registry are stand-ins (the real ones need a loaded model). Metadata and readiness, JSON and binary tensor data in
 * both directions, Triton's classification extension, and each refusal of a malformed request as a 400
 * {@code {"error": ...}} naming what is wrong, before anything is classified.
 */
class OipWebTest {

    private static final byte[] IMAGE_A = {(byte) 0x89, 'P', 'N', 'G', 1};
    private static final byte[] IMAGE_B = {(byte) 0xFF, (byte) 0xD8, 2, 3};
    private static final Labels LABELS = new Labels(List.of("circle", "square", "triangle"));
    private static final double[] SQUARE = {0.25, 0.625, 0.125};

    private static final ServedModel V1 = served("1");
    private static final ServedModel V2 = served("2");

    private final Classifier classifier = mock(Classifier.class);
    private final ModelRegistry registry = mock(ModelRegistry.class);
    private final JsonMapper json = JsonMapper.builder()
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();
    private MockMvc mvc;

    @BeforeEach
    void web() {
        mvc = web(new StaticListableBeanFactory().getBeanProvider(BuildProperties.class));
        when(classifier.route(eq("demo"), isNull())).thenReturn(V1);
        when(classifier.route(eq("demo"), eq("2"))).thenReturn(V2);
        when(classifier.route(eq("nope"), any())).thenThrow(new ModelNotFoundException("nope"));
        when(classifier.require(eq("demo"), isNull())).thenReturn(V1);
        when(classifier.require(eq("demo"), eq("2"))).thenReturn(V2);
        when(classifier.require(eq("demo"), eq("9"))).thenThrow(new ModelNotFoundException("demo", "9"));
        when(classifier.labels(any())).thenReturn(LABELS);
        when(classifier.classifyImages(any(), anyList(), isNull())).thenAnswer(call -> {
            List<?> images = call.getArgument(1);
            return images.stream()
                    .map(image -> new Classified(null, SQUARE.clone(), null))
                    .toList();
        });
        when(registry.versions("demo")).thenReturn(List.of(V1, V2));
    }

    private MockMvc web(ObjectProvider<BuildProperties> build) {
        OipInference inference = new OipInference(new TensorInference(classifier, 4));
        return MockMvcBuilders.standaloneSetup(
                        new OipController(registry, inference, json, new RequestLimits(2 << 20, 4), build))
                .setControllerAdvice(new OipErrors())
                .setMessageConverters(new ByteArrayHttpMessageConverter(), new JacksonJsonHttpMessageConverter(json))
                .build();
    }

    @Test
    void theServerNamesItselfItsVersionAndExtensionsAndAnswersLivenessAndReadiness() throws Exception {
        mvc.perform(get("/v2"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("resnet-serve"))
                .andExpect(jsonPath("$.version").value("dev"))
                .andExpect(jsonPath("$.extensions[0]").value("classification"))
                .andExpect(jsonPath("$.extensions[1]").value("binary_tensor_data"));
        java.util.Properties built = new java.util.Properties();
        built.setProperty("version", "1.4.2");
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("build", new BuildProperties(built));
        web(beans.getBeanProvider(BuildProperties.class))
                .perform(get("/v2"))
                .andExpect(jsonPath("$.version").value("1.4.2"));

        mvc.perform(get("/v2/health/live"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.live").value(true));
        when(registry.allReady()).thenReturn(false);
        mvc.perform(get("/v2/health/ready"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.ready").value(false));
        when(registry.allReady()).thenReturn(true);
        mvc.perform(get("/v2/health/ready"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.ready").value(true));
    }

    @Test
    void aModelsMetadataListsItsVersionsPlatformInputsAndOutputs() throws Exception {
        mvc.perform(get("/v2/models/demo"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("demo"))
                .andExpect(jsonPath("$.versions").value(org.hamcrest.Matchers.contains("1", "2")))
                .andExpect(jsonPath("$.platform").value("pytorch_torchscript"))
                .andExpect(jsonPath("$.inputs[0].name").value("image"))
                .andExpect(jsonPath("$.inputs[0].datatype").value("BYTES"))
                .andExpect(jsonPath("$.inputs[0].shape").value(org.hamcrest.Matchers.contains(-1)))
                .andExpect(jsonPath("$.inputs[1].name").value("input"))
                .andExpect(jsonPath("$.inputs[1].datatype").value("FP32"))
                .andExpect(jsonPath("$.inputs[1].shape").value(org.hamcrest.Matchers.contains(-1, 3, 224, 224)))
                .andExpect(jsonPath("$.outputs[0].name").value("probabilities"))
                .andExpect(jsonPath("$.outputs[0].shape").value(org.hamcrest.Matchers.contains(-1, -1)));
        mvc.perform(get("/v2/models/demo/versions/2")).andExpect(status().isOk());
        verify(classifier).require("demo", "2");
        mvc.perform(get("/v2/models/demo/versions/9"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("model 'demo' has no version '9'"));
    }

    @Test
    void aModelIsReadyOnlyWhenItsVersionIsReady() throws Exception {
        mvc.perform(get("/v2/models/demo/ready"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.name").value("demo"))
                .andExpect(jsonPath("$.ready").value(false));
        ServedModel ready = mock(ServedModel.class);
        when(ready.name()).thenReturn("demo");
        when(ready.state()).thenReturn(ModelState.READY);
        when(classifier.require("demo", "2")).thenReturn(ready);
        mvc.perform(get("/v2/models/demo/versions/2/ready"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("demo"))
                .andExpect(jsonPath("$.ready").value(true));
    }

    @Test
    void base64ImagesAreClassifiedTogetherAndAnsweredAsProbabilities() throws Exception {
        infer("/v2/models/demo/infer", """
                        {"id": "r-7", "inputs": [{"name": "image", "datatype": "BYTES", "shape": [2],
                         "data": ["%s", "%s"]}]}""".formatted(base64(IMAGE_A), base64(IMAGE_B)))
                .andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(header().doesNotExist(OipController.HEADER_LENGTH))
                .andExpect(jsonPath("$.model_name").value("demo"))
                .andExpect(jsonPath("$.model_version").value("1"))
                .andExpect(jsonPath("$.id").value("r-7"))
                .andExpect(jsonPath("$.outputs.length()").value(1))
                .andExpect(jsonPath("$.outputs[0].name").value("probabilities"))
                .andExpect(jsonPath("$.outputs[0].datatype").value("FP32"))
                .andExpect(jsonPath("$.outputs[0].shape").value(org.hamcrest.Matchers.contains(2, 3)))
                .andExpect(jsonPath("$.outputs[0].parameters").doesNotExist())
                .andExpect(jsonPath("$.outputs[0].data")
                        .value(org.hamcrest.Matchers.contains(0.25, 0.625, 0.125, 0.25, 0.625, 0.125)));
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<byte[]>> images = ArgumentCaptor.forClass(List.class);
        verify(classifier).classifyImages(same(V1), images.capture(), isNull());
        assertThat(images.getValue()).containsExactly(IMAGE_A, IMAGE_B);

        infer("/v2/models/demo/versions/2/infer", """
                        {"inputs": [{"name": "image", "datatype": "BYTES", "shape": [1, 1],
                         "data": [["%s"]]}]}""".formatted(base64(IMAGE_A)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.model_version").value("2"))
                .andExpect(jsonPath("$.id").doesNotExist());
    }

    @Test
    void theClassificationExtensionAnswersTheTopClassesAsValueIndexLabel() throws Exception {
        String image = base64(IMAGE_A);
        infer("/v2/models/demo/infer", """
                        {"parameters": {"classification": 2}, "inputs": [{"name": "image", "datatype": "BYTES",
                         "shape": [1], "data": ["%s"]}]}""".formatted(image))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.outputs[0].name").value("probabilities"))
                .andExpect(jsonPath("$.outputs[0].datatype").value("BYTES"))
                .andExpect(jsonPath("$.outputs[0].shape").value(org.hamcrest.Matchers.contains(1, 2)))
                .andExpect(jsonPath("$.outputs[0].data")
                        .value(org.hamcrest.Matchers.contains("0.625000:1:square", "0.250000:0:circle")));
        // an output's own k comes before the request's
        infer("/v2/models/demo/infer", """
                        {"parameters": {"classification": 2}, "inputs": [{"name": "image", "datatype": "BYTES",
                         "shape": [1], "data": ["%s"]}],
                         "outputs": [{"name": "probabilities", "parameters": {"classification": 1}}]}""".formatted(image))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.outputs[0].data").value(org.hamcrest.Matchers.contains("0.625000:1:square")));
    }

    @Test
    void outputsAskedForAsBinaryFollowTheJsonWhoseLengthIsInTheHeader() throws Exception {
        String image = base64(IMAGE_A);
        MvcResult probabilities = infer("/v2/models/demo/infer", """
                        {"inputs": [{"name": "image", "datatype": "BYTES", "shape": [1], "data": ["%s"]}],
                         "outputs": [{"name": "probabilities", "parameters": {"binary_data": true}}]}""".formatted(image))
                .andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.APPLICATION_OCTET_STREAM))
                .andReturn();
        byte[] tail = binaryTail(probabilities, "FP32", 12);
        ByteBuffer floats = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new float[] {floats.getFloat(), floats.getFloat(), floats.getFloat()})
                .containsExactly(0.25f, 0.625f, 0.125f);

        // binary_data_output on the request, with the classification extension: length-prefixed strings
        MvcResult top = infer("/v2/models/demo/infer", """
                        {"parameters": {"binary_data_output": true, "classification": 1},
                         "inputs": [{"name": "image", "datatype": "BYTES", "shape": [1], "data": ["%s"]}]}""".formatted(image))
                .andExpect(status().isOk())
                .andReturn();
        String entry = "0.625000:1:square";
        ByteBuffer strings =
                ByteBuffer.wrap(binaryTail(top, "BYTES", 4 + entry.length())).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(strings.getInt()).isEqualTo(entry.length());
        assertThat(new String(Arrays.copyOfRange(strings.array(), 4, 4 + entry.length()), StandardCharsets.UTF_8))
                .isEqualTo(entry);
    }

    @Test
    void inputsMayTravelAsBinaryAfterTheJson() throws Exception {
        String header = """
                {"inputs": [{"name": "image", "datatype": "BYTES", "shape": [2],
                 "parameters": {"binary_data_size": %d}}]}""".formatted(8 + IMAGE_A.length + IMAGE_B.length);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(header.getBytes(StandardCharsets.UTF_8));
        body.write(lengthPrefixed(IMAGE_A));
        body.write(lengthPrefixed(IMAGE_B));
        mvc.perform(post("/v2/models/demo/infer")
                        .header(OipController.HEADER_LENGTH, " " + header.length() + " ")
                        .contentType(MediaType.APPLICATION_OCTET_STREAM)
                        .content(body.toByteArray()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.outputs[0].shape").value(org.hamcrest.Matchers.contains(2, 3)));
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<byte[]>> images = ArgumentCaptor.forClass(List.class);
        verify(classifier).classifyImages(same(V1), images.capture(), isNull());
        assertThat(images.getValue()).containsExactly(IMAGE_A, IMAGE_B);
    }

    @Test
    void fp32TensorsReachTheModelRowByRowAndAreSoftmaxed() throws Exception {
        int row = 3 * 224 * 224;
        ByteBuffer tensor = ByteBuffer.allocate(2 * row * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 2 * row; i++) {
            tensor.putFloat(i < row ? 1f : 2f);
        }
        String header = """
                {"inputs": [{"name": "input", "datatype": "FP32", "shape": [2, 3, 224, 224],
                 "parameters": {"binary_data_size": %d}}]}""".formatted(tensor.capacity());
        when(classifier.infer(same(V1), anyList(), isNull()))
                .thenReturn(List.of(
                        new InferenceResult(new float[] {0, 0, 0}, "cpu", 2, 0, 0),
                        new InferenceResult(new float[] {0, (float) Math.log(2), 0}, "cpu", 2, 0, 0)));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(header.getBytes(StandardCharsets.UTF_8));
        body.write(tensor.array());
        mvc.perform(post("/v2/models/demo/infer")
                        .header(OipController.HEADER_LENGTH, Integer.toString(header.length()))
                        .content(body.toByteArray()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.outputs[0].data[0]").value(org.hamcrest.Matchers.closeTo(1 / 3.0, 1e-6)))
                .andExpect(jsonPath("$.outputs[0].data[4]").value(org.hamcrest.Matchers.closeTo(0.5, 1e-6)));
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<float[]>> rows = ArgumentCaptor.forClass(List.class);
        verify(classifier).infer(same(V1), rows.capture(), isNull());
        assertThat(rows.getValue()).hasSize(2);
        assertThat(rows.getValue().get(0)).hasSize(row).containsOnly(1f);
        assertThat(rows.getValue().get(1)).hasSize(row).containsOnly(2f);
    }

    @Test
    void malformedRequestsAre400sNamingWhatIsWrongBeforeAnythingIsClassified() throws Exception {
        String image = "{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"AQID\"]}";
        refused("{\"inputs\": [", "the request is not valid JSON");
        refused("[]", "the request must be a JSON object");
        refused("{}", "'inputs' must be a non-empty array");
        refused("{\"inputs\": {}}", "'inputs' must be a non-empty array");
        refused("{\"inputs\": []}", "'inputs' must be a non-empty array");
        refused("{\"inputs\": [1]}", "each input must be an object");
        refused("{\"id\": 7, \"inputs\": [" + image + "]}", "request 'id' must be a string");
        refused(
                "{\"id\": \"" + "x".repeat(1025) + "\", \"inputs\": [" + image + "]}",
                "request 'id' is longer than 1024 characters");
        refused("{\"inputs\": [{\"datatype\": \"BYTES\", \"shape\": [1]}]}", "input needs 'name', a string");
        refused("{\"inputs\": [{\"name\": \" \", \"datatype\": \"BYTES\"}]}", "input needs 'name', a string");
        refused("{\"inputs\": [{\"name\": \"image\", \"shape\": [1]}]}", "input 'image' needs 'datatype', a string");
        refused(
                "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"data\": []}]}",
                "input 'image' needs 'shape', an array of 1 to 8 dimensions");
        refused(
                "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [], \"data\": []}]}",
                "input 'image' needs 'shape', an array of 1 to 8 dimensions");
        refused(
                "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1,1,1,1,1,1,1,1,1],"
                        + " \"data\": []}]}",
                "input 'image' needs 'shape', an array of 1 to 8 dimensions");
        for (String dim : new String[] {"-1", "1.5", "\"1\"", "2147483648"}) {
            refused(
                    "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [" + dim
                            + "], \"data\": []}]}",
                    "input 'image': shape [" + dim + "] must hold non-negative integers");
        }
        refused(
                "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1]}]}",
                "input 'image' needs 'data' (an array) or parameters.binary_data_size");
        refused(
                "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": \"AQID\"}]}",
                "input 'image' needs 'data' (an array) or parameters.binary_data_size");
        refused("{\"parameters\": [], \"inputs\": [" + image + "]}", "request parameters must be an object");
        refused(
                "{\"parameters\": {\"x\": {}}, \"inputs\": [" + image + "]}",
                "request parameters hold numbers, booleans and strings of at most 1024 characters");
        refused(
                "{\"parameters\": {\"x\": \"" + "y".repeat(1025) + "\"}, \"inputs\": [" + image + "]}",
                "request parameters hold numbers, booleans and strings of at most 1024 characters");
        for (String k : new String[] {"0", "-1", "1.5", "\"2\"", "100001"}) {
            refused(
                    "{\"parameters\": {\"classification\": " + k + "}, \"inputs\": [" + image + "]}",
                    "parameter 'classification' must be a positive integer, got " + k);
        }
        refused(
                "{\"parameters\": {\"binary_data_output\": \"yes\"}, \"inputs\": [" + image + "]}",
                "parameter 'binary_data_output' must be true or false");
        refused("{\"inputs\": [" + image + "], \"outputs\": {}}", "'outputs' must be an array");
        refused("{\"inputs\": [" + image + "], \"outputs\": [\"probabilities\"]}", "each output must be an object");
        refused(
                "{\"inputs\": [" + image + "], \"outputs\": [{\"name\": \"probabilities\"}, {\"name\": "
                        + "\"probabilities\"}]}",
                "output 'probabilities' is asked for twice");
        refused(
                "{\"inputs\": [" + image + "], \"outputs\": [" + "{\"name\": \"o\"},".repeat(8) + "{\"name\": \"o\"}]}",
                "'outputs' names 9 outputs; at most 8, each once");
        verifyNoInteractions(registry);
        verify(classifier, org.mockito.Mockito.never()).classifyImages(any(), anyList(), any());
    }

    @Test
    void theRequestsBoundsAreInclusive() throws Exception {
        String image = "{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"AQID\"]}";
        StringBuilder members = new StringBuilder("{\"inputs\": [" + image + "]");
        for (int i = 1; i < 32; i++) {
            members.append(", \"m").append(i).append("\": 0");
        }
        infer("/v2/models/demo/infer", members + "}").andExpect(status().isOk());
        refused(
                members + ", \"m32\": 0}",
                "the request has 33 members; id, parameters, inputs and outputs are all it needs");

        StringBuilder parameters = new StringBuilder("{\"p0\": \"" + "z".repeat(1024) + "\"");
        for (int i = 1; i < 32; i++) {
            parameters.append(", \"p").append(i).append("\": ").append(i % 2 == 0);
        }
        infer("/v2/models/demo/infer", "{\"parameters\": " + parameters + "}, \"inputs\": [" + image + "]}")
                .andExpect(status().isOk());
        refused(
                "{\"parameters\": " + parameters + ", \"p32\": 1}, \"inputs\": [" + image + "]}",
                "request parameters has 33 entries; at most 32");

        infer("/v2/models/demo/infer", "{\"id\": \"" + "i".repeat(1024) + "\", \"inputs\": [" + image + "]}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value("i".repeat(1024)));
        infer("/v2/models/demo/infer", """
                        {"inputs": [{"name": "image", "datatype": "BYTES", "shape": [1,1,1,1,1,1,1,1],
                         "data": ["AQID"]}]}""")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value(startsWith("input 'image': BYTES images take shape")));
        // classification 100000 is a number the reader takes; the model's 3 classes refuse it
        refused(
                "{\"parameters\": {\"classification\": 100000}, \"inputs\": [" + image + "]}",
                "classification 100000 is more than the model's 3 classes");
    }

    @Test
    void theReaderTakesEachValueAtItsEdgeAndLeavesItToTheModel() throws Exception {
        // a dimension of 0 or of Integer.MAX_VALUE is a shape; the batch and answer bounds refuse them
        refused(
                "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [0], \"data\": []}]}",
                "input 'image': between 1 and 4 inputs per request (resnet.limits.max-images-per-request), got 0");
        refused(
                "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [2147483647],"
                        + " \"data\": []}]}",
                "the answer would hold 6442450941 values; at most 320000");
        // eight outputs may be named; these are not the model's
        StringBuilder eight = new StringBuilder();
        for (int i = 1; i <= 8; i++) {
            eight.append(i == 1 ? "" : ", ").append("{\"name\": \"o").append(i).append("\"}");
        }
        refused(
                "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"AQID\"]}],"
                        + " \"outputs\": [" + eight + "]}",
                "model 'demo' has no output 'o1'");
        // binary_data_size 0: an input with no bytes, which its shape then refuses
        String empty = "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1],"
                + " \"parameters\": {\"binary_data_size\": 0}}]}";
        binaryRefused(empty, new byte[0], null, "input 'image': shape [1] holds 1 elements but the data has 0");
        // a header length of 0: no JSON at all
        binaryRefused("", "{}".getBytes(StandardCharsets.UTF_8), "0", "the request ");
        // binary_data false is JSON
        infer("/v2/models/demo/infer", """
                        {"inputs": [{"name": "image", "datatype": "BYTES", "shape": [1], "data": ["AQID"]}],
                         "outputs": [{"name": "probabilities", "parameters": {"binary_data": false}}],
                         "parameters": {"binary_data_output": false}}""")
                .andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.outputs[0].data.length()").value(3));
        verify(classifier).classifyImages(same(V1), anyList(), isNull());
    }

    @Test
    void theBinaryLayoutMustAddUp() throws Exception {
        String header = "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1],"
                + " \"parameters\": {\"binary_data_size\": %s}}]}";
        byte[] image = lengthPrefixed(IMAGE_A);
        binaryRefused(
                header.formatted(image.length),
                image,
                "x",
                "Inference-Header-Content-Length must be a number of"
                        + " bytes within the body ("
                        + (header.formatted(image.length).length() + image.length)
                        + " bytes), got 'x'");
        String fits = header.formatted(image.length);
        binaryRefused(fits, image, "-1", "Inference-Header-Content-Length must be a number");
        int total = fits.length() + image.length;
        binaryRefused(
                fits,
                image,
                Integer.toString(total + 1),
                "Inference-Header-Content-Length must be a number of bytes within the body (" + total + " bytes), got '"
                        + (total + 1) + "'");
        binaryRefused(
                header.formatted(image.length + 1),
                image,
                null,
                "input 'image': binary_data_size " + (image.length + 1) + " does not fit the " + image.length
                        + " bytes left in the body");
        binaryRefused(header.formatted("-1"), image, null, "input 'image': binary_data_size -1 does not fit");
        binaryRefused(header.formatted("\"9\""), image, null, "input 'image': binary_data_size \"9\" does not fit");
        binaryRefused(
                header.formatted(image.length - 1),
                image,
                null,
                "the body has 1 bytes after the JSON that no input's binary_data_size accounts for");
        // the whole body as the JSON: the header length may equal the body's
        byte[] whole = ("{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\""
                        + base64(IMAGE_A) + "\"]}]}")
                .getBytes(StandardCharsets.UTF_8);
        mvc.perform(post("/v2/models/demo/infer")
                        .header(OipController.HEADER_LENGTH, Integer.toString(whole.length))
                        .content(whole))
                .andExpect(status().isOk());
        verify(classifier).classifyImages(same(V1), anyList(), isNull());
    }

    @Test
    void tensorContentsAreCheckedElementByElement() throws Exception {
        refused(
                "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [2], \"data\": [\"AQID\", 5]}]}",
                "input 'image': BYTES element 1 must be a base64 string");
        refused(
                "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"AQ=D\"]}]}",
                "input 'image': BYTES element 0 is not valid base64");
        refused(
                "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1], "
                        + "\"data\": [\"AQID\", \"AQID\"]}]}",
                "input 'image': data holds more elements than its shape");
        refused(
                "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [1, 3, 224, 224], "
                        + "\"data\": [[0.5, \"x\"]]}]}",
                "input 'input': FP32 data holds \"x\" at element 1, not a number");
        refused(
                "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [1, 3, 224, 224], "
                        + "\"data\": [1e39]}]}",
                "input 'input': FP32 data holds 1.0E39 at element 0, beyond the FP32 range");
        refused(
                "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [1, 3, 224, 224], "
                        + "\"data\": [1e400]}]}",
                "input 'input': FP32 data holds \"Infinity\" at element 0, beyond the FP32 range");
        refused(
                "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [1, 3, 224, 224], "
                        + "\"data\": [0.5, -2.0]}]}",
                "input 'input': shape [1, 3, 224, 224] holds 150528 elements but the data has 2");
        verify(classifier, org.mockito.Mockito.never()).classifyImages(any(), anyList(), any());
        verify(classifier, org.mockito.Mockito.never()).infer(any(), anyList(), any());
    }

    @Test
    void servingRefusalsKeepTheirStatusesAndRetryAfter() throws Exception {
        String image = "{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"AQID\"]}";
        infer("/v2/models/nope/infer", "{\"inputs\": [" + image + "]}")
                .andExpect(status().isNotFound())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.error").value("no model named 'nope' is served"));
        when(classifier.classifyImages(any(), anyList(), isNull())).thenThrow(new QueueFullException(64));
        infer("/v2/models/demo/infer", "{\"inputs\": [" + image + "]}")
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "1"))
                .andExpect(jsonPath("$.error").value(containsString("queue")));
        mvc.perform(post("/v2/models/demo/infer").content(new byte[(2 << 20) + 1]))
                .andExpect(status().isPayloadTooLarge())
                .andExpect(jsonPath("$.error").exists());
    }

    private ResultActions infer(String path, String body) throws Exception {
        return mvc.perform(post(path).contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private void refused(String body, String error) throws Exception {
        infer("/v2/models/demo/infer", body)
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(header().doesNotExist("Retry-After"))
                .andExpect(jsonPath("$.error").value(startsWith(error)));
    }

    private void binaryRefused(String header, byte[] binary, String headerLength, String error) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(header.getBytes(StandardCharsets.UTF_8));
        body.write(binary);
        mvc.perform(post("/v2/models/demo/infer")
                        .header(
                                OipController.HEADER_LENGTH,
                                headerLength == null ? Integer.toString(header.length()) : headerLength)
                        .content(body.toByteArray()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value(startsWith(error)));
    }

    /** The binary tail of an answer, after checking that the header names the JSON's length and the tail's size. */
    private byte[] binaryTail(MvcResult result, String datatype, int size) throws Exception {
        byte[] body = result.getResponse().getContentAsByteArray();
        int length = Integer.parseInt(result.getResponse().getHeader(OipController.HEADER_LENGTH));
        tools.jackson.databind.JsonNode answer = json.readTree(Arrays.copyOfRange(body, 0, length));
        tools.jackson.databind.JsonNode output = answer.get("outputs").get(0);
        assertThat(output.get("datatype").asString()).isEqualTo(datatype);
        assertThat(output.has("data")).isFalse();
        assertThat(output.get("parameters").get("binary_data_size").asInt()).isEqualTo(size);
        assertThat(body.length - length).isEqualTo(size);
        return Arrays.copyOfRange(body, length, body.length);
    }

    private static byte[] lengthPrefixed(byte[] bytes) {
        return ByteBuffer.allocate(4 + bytes.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(bytes.length)
                .put(bytes)
                .array();
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static ServedModel served(String version) {
        ModelSettings settings = ModelSettings.builder().version(version).build();
        return new ServedModel(
                settings.spec("demo", "/nonexistent/demo.pt"), settings.scheduling(), List.of(Device.cpu()));
    }
}
