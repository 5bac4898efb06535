package dev.resnetserve.config;

import dev.resnetserve.api.UploadLimits;
import dev.resnetserve.finetune.FineTuneJobs;
import dev.resnetserve.finetune.ModelRepository;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.metrics.TrainingMetrics;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.train.ImageFolder;
import dev.resnetserve.preprocess.ImageDecoder;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Fine-tuning: the model repository, the job service and its meters. */
@Configuration(proxyBeanMethods = false)
class TrainingConfiguration {

    @Bean
    ModelRepository modelRepository(ResnetProperties properties, ModelRegistry registry) {
        return new ModelRepository(properties.modelRepository(), registry, properties.modelRepositoryPoll());
    }

    @Bean(destroyMethod = "close")
    FineTuneJobs fineTuneJobs(
            ResnetProperties properties,
            ModelRegistry registry,
            ModelLoader loader,
            ImageDecoder decoder,
            ModelRepository repository,
            MeterRegistry meters) {
        TrainingProperties training = properties.training();
        return new FineTuneJobs(
                registry,
                loader,
                decoder,
                repository,
                new FineTuneJobs.Limits(
                        training.maxConcurrentJobs(),
                        training.maxQueuedJobs(),
                        training.threads(),
                        training.maxKeptJobs(),
                        training.maxCacheSize().toBytes(),
                        training.maxJobDuration()),
                new TrainingMetrics(meters),
                Clock.systemUTC());
    }

    /** What one uploaded data set may hold (resnet.training.*; one file at most resnet.limits.max-body-size). */
    @Bean
    UploadLimits uploadLimits(ResnetProperties properties) {
        TrainingProperties training = properties.training();
        long total = training.maxDatasetSize().toBytes();
        return new UploadLimits(
                new ImageFolder.Limits(
                        training.maxImages(),
                        training.maxClasses(),
                        Math.min(total, properties.limits().maxBodySize().toBytes()),
                        total,
                        2 * training.maxImages() + 1000),
                training.uploadTimeout());
    }
}
