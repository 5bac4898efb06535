package dev.resnetserve;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.resnetserve.error.ServiceException;

/**
 * The request path decides the dependencies: api -> preprocess, inference -> model; finetune (jobs and the model
 * repository) sits beside api and uses inference, model and preprocess; preprocess is pure Java;
 * only inference and model touch DJL; metrics implements the observers api and inference define and reads model
 * state, and nothing but config knows it; security (HTTP access rules) knows no serving code; config wires
 * everything and nothing depends on it. Every layer refuses requests with the error package's codes, which depends
 * on nothing.
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
            .mayOnlyBeAccessedByLayers("config", "metrics")
            .whereLayer("inference")
            .mayOnlyBeAccessedByLayers("api", "config", "metrics", "bench", "finetune")
            .whereLayer("model")
            .mayOnlyBeAccessedByLayers("inference", "api", "config", "metrics", "bench", "finetune")
            .whereLayer("preprocess")
            .mayOnlyBeAccessedByLayers("api", "model", "inference", "config", "bench", "finetune")
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

    @ArchTest
    static final ArchRule protocolAdaptersDoNotDependOnEachOther = noClasses()
            .that()
            .resideInAPackage("..resnetserve.api.oip..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("..resnetserve.api.torchserve..")
            .andShould()
            .dependOnClassesThat()
            .resideInAPackage("..resnetserve.api.grpc..");

    @ArchTest
    static final ArchRule torchServeAdapterDependsOnNoOtherAdapter = noClasses()
            .that()
            .resideInAPackage("..resnetserve.api.torchserve..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("..resnetserve.api.oip..")
            .andShould()
            .dependOnClassesThat()
            .resideInAPackage("..resnetserve.api.grpc..");

    @ArchTest
    static final ArchRule theServingCoreKnowsNoAdapter = noClasses()
            .that()
            .resideInAPackage("dev.resnetserve.api")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "..resnetserve.api.oip..", "..resnetserve.api.torchserve..", "..resnetserve.api.grpc..");

    @ArchTest
    static final ArchRule apiKnowsNothingOfDjl = noClasses()
            .that()
            .resideInAPackage("..resnetserve.api..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("ai.djl..");
}
