package dev.resnetserve.model.resnet;

/**
 * A heat map of one input for one class, with the model's logits for that input.
 *
 * @param target the class explained (the top-1 class when none was asked for)
 * @param logits the model's output for the input
 * @param height rows of the map
 * @param width  columns of the map
 * @param map    row-major, 0..1 (all 0 when nothing speaks for the class)
 */
public record ClassMap(int target, float[] logits, int height, int width, float[] map) {}
