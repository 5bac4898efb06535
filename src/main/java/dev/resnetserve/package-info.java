/**
 * resnet-serve: an HTTP service that classifies images with ResNet models through DJL. The packages follow the
 * request's data flow: protocol adapters ({@code api}, {@code api.oip}, {@code api.torchserve}) call the serving core
 * ({@code serving.Classifier}), which decodes and preprocesses ({@code preprocess}), then queues, batches and runs on
 * predictor pools ({@code inference}) the models that {@code model} locates, loads and trains. {@code config} builds it
 * all from validated properties; {@code error}, {@code security} and {@code metrics} stand beside the flow.
 * {@code ArchitectureTest} holds the dependency rules.
 */
package dev.resnetserve;
