package dev.resnetserve;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.metaAnnotatedWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.resnetserve.error.ServiceException;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;

/**
 * The request path decides the dependencies: the protocol adapters (api's /v1 controllers, api.oip, api.grpc,
 * api.torchserve) -> serving (the core: Classifier, the request-thread cap) -> preprocess, inference -> model; the
 * adapters do not depend on each other, and the core knows neither them nor the web; finetune (jobs and the model
 * repository) sits beside serving and uses inference, model and preprocess; preprocess is pure Java; only inference
 * and model touch DJL; metrics implements the observers serving and inference define and reads model state, and
 * nothing but config knows it; security (HTTP access rules) knows no serving code; config wires everything and
 * nothing depends on it. Every layer refuses requests with the error package's codes, which depends on nothing.
 */
@AnalyzeClasses(packages = "dev.resnetserve", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule layers = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .withOptionalLayers(true)
            .layer("config")
            .definedBy("..resnetserve.config..")
            .layer("api")
            .definedBy("..resnetserve.api..")
            .layer("serving")
            .definedBy("..resnetserve.serving..")
            .layer("preprocess")
            .definedBy("..resnetserve.preprocess..")
            .layer("inference")
            .definedBy("..resnetserve.inference..")
            .layer("model")
            .definedBy("..resnetserve.model..")
            .layer("metrics")
            .definedBy("..resnetserve.metrics..")
            .layer("finetune")
            .definedBy("..resnetserve.finetune..")
            .layer("bench")
            .definedBy("..resnetserve.bench..")
            .layer("security")
            .definedBy("..resnetserve.security..")
            .layer("error")
            .definedBy("..resnetserve.error..")
            .whereLayer("config")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("api")
            .mayOnlyBeAccessedByLayers("config")
            .whereLayer("serving")
            .mayOnlyBeAccessedByLayers("api", "config", "metrics")
            .whereLayer("inference")
            .mayOnlyBeAccessedByLayers("api", "serving", "config", "metrics", "bench", "finetune")
            .whereLayer("model")
            .mayOnlyBeAccessedByLayers("inference", "api", "serving", "config", "metrics", "bench", "finetune")
            .whereLayer("preprocess")
            .mayOnlyBeAccessedByLayers("api", "serving", "model", "inference", "config", "bench", "finetune")
            .whereLayer("finetune")
            .mayOnlyBeAccessedByLayers("api", "config", "metrics")
            .whereLayer("metrics")
            .mayOnlyBeAccessedByLayers("config")
            .whereLayer("bench")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("security")
            .mayOnlyBeAccessedByLayers("config");

    /** Every layer may refuse a request; the error codes depend on nothing, Spring included. */
    @ArchTest
    static final ArchRule errorsDependOnNothing = classes()
            .that()
            .resideInAPackage("..resnetserve.error..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("..resnetserve.error..", "java..");

    /**
     * A request the service cannot serve is refused with a {@link ServiceException} and its {@code ErrorCode}, which
     * every protocol answers: another unchecked exception of the serving path would be a 500. Only model loading
     * (reported on the model's state, never answered) has its own.
     */
    @ArchTest
    static final ArchRule refusalsAreServiceExceptions = classes()
            .that()
            .areAssignableTo(RuntimeException.class)
            .and()
            .resideInAnyPackage(
                    "..resnetserve.api..",
                    "..resnetserve.serving..",
                    "..resnetserve.preprocess..",
                    "..resnetserve.inference..",
                    "..resnetserve.security..",
                    "..resnetserve.finetune..",
                    "..resnetserve.error..")
            .should()
            .beAssignableTo(ServiceException.class);

    @ArchTest
    static final ArchRule securityKnowsNoServingCode = noClasses()
            .that()
            .resideInAPackage("..resnetserve.security..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "..resnetserve.api..",
                    "..resnetserve.serving..",
                    "..resnetserve.inference..",
                    "..resnetserve.model..",
                    "..resnetserve.preprocess..",
                    "..resnetserve.metrics..");

    @ArchTest
    static final ArchRule preprocessingIsPureJava = noClasses()
            .that()
            .resideInAPackage("..resnetserve.preprocess..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("ai.djl..", "org.springframework..");

    @ArchTest
    static final ArchRule onlyInferenceRunsPredictors = noClasses()
            .that()
            .resideOutsideOfPackage("..resnetserve.inference..")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("ai.djl.inference.Predictor");

    /** The adapters below api: {@code api.oip}, {@code api.torchserve}, {@code api.grpc}. */
    @ArchTest
    static final ArchRule protocolAdaptersDoNotDependOnEachOther =
            slices().matching("dev.resnetserve.api.(*)..").should().notDependOnEachOther();

    /**
     * The other adapters share api's HTTP plumbing (body limits, error answers, outcome codes), never the
     * {@code /v1} adapter itself: its controllers and its error advice.
     */
    @ArchTest
    static final ArchRule protocolAdaptersDoNotDependOnTheV1Adapter = noClasses()
            .that()
            .resideInAPackage("dev.resnetserve.api.*..")
            .should()
            .dependOnClassesThat(resideInAPackage("dev.resnetserve.api")
                    .and(metaAnnotatedWith(Controller.class).or(metaAnnotatedWith(ControllerAdvice.class)))
                    .as("the /v1 adapter's controllers and advice"));

    @ArchTest
    static final ArchRule theV1AdapterKnowsNoOtherAdapter = noClasses()
            .that()
            .resideInAPackage("dev.resnetserve.api")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "..resnetserve.api.oip..", "..resnetserve.api.torchserve..", "..resnetserve.api.grpc..");

    /** The core every adapter calls knows no protocol: no adapter (the layers say so), and no web type. */
    @ArchTest
    static final ArchRule theServingCoreKnowsNoWeb = noClasses()
            .that()
            .resideInAPackage("..resnetserve.serving..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.springframework.web..", "org.springframework.http..", "jakarta.servlet..", "ai.djl..");

    @ArchTest
    static final ArchRule apiKnowsNothingOfDjl = noClasses()
            .that()
            .resideInAPackage("..resnetserve.api..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("ai.djl..");
}
