package dev.resnetserve.api.oip;

import dev.resnetserve.api.RequestBodyReader;
import dev.resnetserve.api.RequestLimits;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelState;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.serving.TensorInference;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Open Inference Protocol (KServe v2) REST API, as Triton and KServe clients speak it, with Triton's
 * classification and binary tensor data extensions. Errors are {@code {"error": "..."}} (see {@link OipErrors}).
 */
@Tag(name = "Open Inference Protocol (v2)")
@RestController
@RequestMapping(path = "/v2", produces = MediaType.APPLICATION_JSON_VALUE)
class OipController {

    static final String HEADER_LENGTH = "Inference-Header-Content-Length";
    static final List<String> EXTENSIONS = List.of("classification", "binary_tensor_data");

    private final ModelRegistry registry;
    private final OipInference inference;
    private final InferRequestReader reader;
    private final JsonMapper json;
    private final RequestLimits limits;
    private final String version;

    OipController(
            ModelRegistry registry,
            OipInference inference,
            JsonMapper json,
            RequestLimits limits,
            ObjectProvider<BuildProperties> build) {
        this.registry = registry;
        this.inference = inference;
        this.reader = new InferRequestReader(json);
        this.json = json;
        this.limits = limits;
        BuildProperties properties = build.getIfAvailable();
        this.version = properties == null ? "dev" : properties.getVersion();
    }

    @Operation(summary = "Server metadata: name, version, protocol extensions")
    @GetMapping
    OipMessages.ServerMetadata server() {
        return new OipMessages.ServerMetadata("resnet-serve", version, EXTENSIONS);
    }

    @Operation(summary = "Server liveness: 200 while the process serves HTTP")
    @GetMapping("/health/live")
    OipMessages.Live live() {
        return new OipMessages.Live(true);
    }

    @Operation(summary = "Server readiness: 200 when every model is ready, else 400")
    @GetMapping("/health/ready")
    ResponseEntity<OipMessages.Ready> ready() {
        boolean ready = registry.allReady();
        return ResponseEntity.status(ready ? 200 : 400).body(new OipMessages.Ready(ready));
    }

    @Operation(summary = "Model metadata: versions, platform, inputs and outputs")
    @GetMapping({"/models/{name}", "/models/{name}/versions/{modelVersion}"})
    OipMessages.ModelMetadata model(@PathVariable String name, @PathVariable(required = false) String modelVersion) {
        return metadata(inference.model(name, modelVersion));
    }

    @Operation(summary = "Model readiness: 200 when loaded and warmed up, else 400")
    @GetMapping({"/models/{name}/ready", "/models/{name}/versions/{modelVersion}/ready"})
    ResponseEntity<OipMessages.ModelReady> modelReady(
            @PathVariable String name, @PathVariable(required = false) String modelVersion) {
        ServedModel model = inference.model(name, modelVersion);
        boolean ready = model.state() == ModelState.READY;
        return ResponseEntity.status(ready ? 200 : 400).body(new OipMessages.ModelReady(model.name(), ready));
    }

    @Operation(summary = "Inference: BYTES (base64 images) or FP32 [N,3,H,W] input; JSON or binary tensor data")
    @PostMapping({"/models/{name}/infer", "/models/{name}/versions/{modelVersion}/infer"})
    ResponseEntity<byte[]> infer(
            @PathVariable String name,
            @PathVariable(required = false) String modelVersion,
            @RequestHeader(name = HEADER_LENGTH, required = false) String headerLength,
            HttpServletRequest request)
            throws IOException {
        ServedModel model = inference.route(name, modelVersion);
        byte[] body = RequestBodyReader.read(request.getInputStream(), request.getContentLengthLong(), limits);
        OipInference.Answer answer = inference.infer(model, reader.read(body, headerLength));
        byte[] header = json.writeValueAsBytes(answer.response());
        if (answer.binary() == null) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(header);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + answer.binary().length);
        out.write(header);
        out.write(answer.binary());
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header(HEADER_LENGTH, Integer.toString(header.length))
                .body(out.toByteArray());
    }

    private OipMessages.ModelMetadata metadata(ServedModel model) {
        List<String> versions = registry.versions(model.name()).stream()
                .map(m -> m.spec().version())
                .toList();
        return new OipMessages.ModelMetadata(
                model.name(),
                versions,
                TensorInference.platform(model),
                TensorInference.inputs(model).stream()
                        .map(OipController::tensor)
                        .toList(),
                TensorInference.outputs(model).stream()
                        .map(OipController::tensor)
                        .toList());
    }

    private static OipMessages.MetadataTensor tensor(TensorInference.TensorMetadata tensor) {
        return new OipMessages.MetadataTensor(tensor.name(), tensor.datatype(), tensor.shape());
    }
}
