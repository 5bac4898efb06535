package dev.resnetserve.model.train;

/**
 * One training image of a fine-tuning data set, still encoded.
 *
 * @param label the class, as the folder in ImageFolder layout names it
 * @param name  the file's name, for reports
 * @param bytes the encoded image
 */
public record LabelledImage(String label, String name, byte[] bytes) {}
