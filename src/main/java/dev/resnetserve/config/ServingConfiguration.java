package dev.resnetserve.config;

import dev.resnetserve.api.BoundedMultipartResolver;
import dev.resnetserve.api.ManagementPolicy;
import dev.resnetserve.api.RequestLimits;
import dev.resnetserve.inference.BatchObserver;
import dev.resnetserve.inference.DeviceResolver;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.inference.ModelsReadinessIndicator;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.metrics.InFlightRequests;
import dev.resnetserve.metrics.InferenceMetrics;
import dev.resnetserve.metrics.ModelGauges;
import dev.resnetserve.model.AllowedLocations;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelLocator;
import dev.resnetserve.preprocess.DecodePathWarmUp;
import dev.resnetserve.preprocess.DecodingBudget;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.ImageLimits;
import dev.resnetserve.preprocess.Preprocessor;
import dev.resnetserve.preprocess.TurboJpeg;
import dev.resnetserve.serving.Classifier;
import dev.resnetserve.serving.ConcurrentRequests;
import dev.resnetserve.serving.ExplainBudget;
import dev.resnetserve.serving.Explainer;
import dev.resnetserve.serving.TensorInference;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.web.multipart.MultipartResolver;
import org.springframework.web.servlet.DispatcherServlet;

/** The composition root: turns {@link ResnetProperties} into the services of each stage. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ResnetProperties.class)
class ServingConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ServingConfiguration.class);

    @Bean
    ImageDecoder imageDecoder(ResnetProperties properties, Preprocessor preprocessor, DecodingBudget budget) {
        Optional<TurboJpeg> turboJpeg = Optional.empty();
        if (properties.decoding().nativeJpeg()) {
            turboJpeg = TurboJpeg.load(properties.decoding().turbojpegLibrary());
            if (turboJpeg.isEmpty()) {
                log.warn(
                        "resnet.decoding.native-jpeg is on but the TurboJPEG library '{}' cannot be loaded "
                                + "(Debian: apt-get install libturbojpeg0); JPEG goes through ImageIO, 2-7x slower",
                        properties.decoding().turbojpegLibrary());
            }
        }
        LimitsProperties limits = properties.limits();
        ImageDecoder decoder = new ImageDecoder(
                new ImageLimits(limits.maxPixels(), limits.maxDimension(), limits.maxJpegScans()), turboJpeg, budget);
        log.info("JPEG decoding: {}; {}", decoder.jpegDecoder(), budget);
        DecodePathWarmUp.run(decoder, preprocessor);
        return decoder;
    }

    /** The pixels all requests may be decoding at once (resnet.limits.max-decoding-pixels). */
    @Bean
    DecodingBudget decodingBudget(ResnetProperties properties) {
        return new DecodingBudget(
                properties.limits().decodingPixels(), properties.limits().decodingBudgetWait());
    }

    @Bean
    ExplainBudget explainBudget(ResnetProperties properties) {
        return new ExplainBudget(properties.explain().maxConcurrent());
    }

    @Bean
    Explainer explainer(
            Classifier classifier,
            ImageDecoder decoder,
            Preprocessor preprocessor,
            ExplainBudget budget,
            InferenceMetrics metrics,
            ResnetProperties properties) {
        return new Explainer(
                classifier,
                decoder,
                preprocessor,
                budget,
                metrics,
                properties.explain().occlusionGrid(),
                properties.explain().occlusionBatch(),
                properties.explain().integratedGradientsSteps(),
                properties.explain().reference(),
                properties.explain().shareUnderLoad());
    }

    @Bean
    RequestLimits requestLimits(ResnetProperties properties) {
        return new RequestLimits(
                properties.limits().maxBodySize().toBytes(),
                properties.limits().maxImagesPerRequest(),
                properties.limits().bodyReadTimeout());
    }

    @Bean
    ConcurrentRequests concurrentRequests(ResnetProperties properties, Environment environment) {
        return new ConcurrentRequests(concurrentInferenceRequests(
                properties.limits().maxConcurrentRequests(),
                environment.getProperty("server.tomcat.threads.max", Integer.class, 200)));
    }

    /**
     * Inference requests on request threads at once: as configured, below the request threads; by default all of
     * them but a reserve (16, or a quarter of a small pool) kept for health probes, metrics and model management.
     */
    static int concurrentInferenceRequests(Integer configured, int requestThreads) {
        if (configured == null) {
            return Math.max(1, requestThreads - Math.min(16, requestThreads / 4));
        }
        if (configured >= requestThreads) {
            throw new IllegalStateException("resnet.limits.max-concurrent-requests (" + configured + ") must be "
                    + "below server.tomcat.threads.max (" + requestThreads + "): health probes and metrics need "
                    + "request threads that inference cannot take");
        }
        return configured;
    }

    /** The Open Inference Protocol's inference, shared by its REST and gRPC adapters. */
    @Bean
    TensorInference tensorInference(Classifier classifier, ResnetProperties properties) {
        return new TensorInference(classifier, properties.limits().maxImagesPerRequest());
    }

    @Bean
    ManagementPolicy managementPolicy(ResnetProperties properties) {
        ManagementProperties management = properties.management();
        return new ManagementPolicy(
                management.enabled(),
                new AllowedLocations(management.allowedLocations()),
                management.maxBodySize().toBytes());
    }

    @Bean
    Preprocessor preprocessor() {
        return new Preprocessor();
    }

    /**
     * Threads per CPU worker default to the cores divided among the workers of the model with the most of them:
     * that model, busy, uses every core without oversubscribing, and an idle model beside it costs nothing.
     */
    @Bean
    PyTorchEngine pyTorchEngine(ResnetProperties properties) {
        int cpuWorkers = properties.models().entrySet().stream()
                .map(e -> settings(e.getKey(), e.getValue()))
                .mapToInt(m -> (int) m.devices().stream().filter("cpu"::equals).count() * m.workers())
                .max()
                .orElse(1);
        return new PyTorchEngine(properties.engine(), cpuWorkers);
    }

    @Bean
    ModelLoader modelLoader(ResnetProperties properties) {
        PathMatchingResourcePatternResolver resources = new PathMatchingResourcePatternResolver();
        return new ModelLoader(
                new ModelLocator(resources, workDirectory()),
                resources,
                properties.engine().onnx().settings(),
                properties.engine().intraOpThreads());
    }

    @Bean
    InferenceMetrics inferenceMetrics(MeterRegistry meters) {
        return new InferenceMetrics(meters);
    }

    /** Stage observations are for tracing; the stage metrics are inference_stage_duration_seconds. */
    @Bean
    MeterFilter stageObservationsMakeNoMeters() {
        return InferenceMetrics.stageObservationsMakeNoMeters();
    }

    @Bean
    InFlightRequests inFlightRequests(ConcurrentRequests requests) {
        return new InFlightRequests(requests);
    }

    @Bean
    ModelGauges modelGauges(ModelRegistry registry) {
        return new ModelGauges(registry);
    }

    @Bean
    ModelRegistry modelRegistry(
            ResnetProperties properties, PyTorchEngine engine, ModelLoader loader, BatchObserver batches) {
        DeviceResolver devices = new DeviceResolver(engine);
        List<ServedModel> served = new ArrayList<>();
        for (Map.Entry<String, ModelProperties> entry : properties.models().entrySet()) {
            ModelSettings settings = settings(entry.getKey(), entry.getValue());
            served.add(new ServedModel(
                    settings.spec(entry.getKey(), entry.getValue().location()),
                    settings.scheduling(),
                    devices.resolve(entry.getKey(), settings.devices(), settings.cpuFallback())));
        }
        return new ModelRegistry(
                served,
                properties.defaultModel(),
                loader,
                devices,
                properties.shutdownGrace(),
                batches,
                new ModelRegistry.Limits(
                        properties.management().maxModels(),
                        properties.management().maxVersionsPerModel()));
    }

    /** A model's settings; a value out of its bounds stops the start with the key that holds it. */
    private static ModelSettings settings(String name, ModelProperties model) {
        try {
            return model.settings();
        } catch (IllegalArgumentException outOfBounds) {
            throw new IllegalStateException("resnet.models." + name + ": " + outOfBounds.getMessage(), outOfBounds);
        }
    }

    @Bean
    ModelsReadinessIndicator modelsHealthIndicator(ModelRegistry registry) {
        return new ModelsReadinessIndicator(registry);
    }

    /**
     * Multipart inference requests are read within a raw body's bounds, the body-read timeout included (Tomcat's
     * parser, off: {@code spring.servlet.multipart.enabled=false}, would wait on a trickled body as long as its size
     * allowed).
     */
    @Bean(name = DispatcherServlet.MULTIPART_RESOLVER_BEAN_NAME)
    MultipartResolver multipartResolver(RequestLimits limits, ResnetProperties properties) {
        return new BoundedMultipartResolver(limits, properties.limits().maxParts());
    }

    private static Path workDirectory() {
        try {
            Path dir = Files.createTempDirectory("resnet-serve-models");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
