package dev.resnetserve.inference;

import dev.resnetserve.model.Labels;
import dev.resnetserve.model.ModelFormat;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * What is learnt about a model by loading and warming it up.
 *
 * @param format         how its weights were stored
 * @param engine         DJL's name of the engine that runs it ({@code PyTorch}, {@code OnnxRuntime})
 * @param parameterCount number of parameters, when the engine can count them
 * @param labels         one per output class
 * @param loadTime       load and warm-up of all its devices
 */
public record ModelDetails(
        ModelFormat format, String engine, OptionalLong parameterCount, Labels labels, Duration loadTime) {}
