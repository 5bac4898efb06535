package dev.resnetserve.inference;

/** One class of the top-k: output index, label and softmax probability. */
public record Prediction(int index, String label, double probability) {}
