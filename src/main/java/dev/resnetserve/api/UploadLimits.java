package dev.resnetserve.api;

import dev.resnetserve.model.train.ImageFolder;
import java.time.Duration;

/**
 * What one fine-tuning upload may carry and how long it may take to arrive (resnet.training.*).
 *
 * @param dataset the data set's bounds: files, classes, bytes of one file and of all of them
 * @param timeout from the first byte to the last
 */
public record UploadLimits(ImageFolder.Limits dataset, Duration timeout) {}
