/**
 * Turning an encoded image into a model's input tensor exactly as torchvision does: hostile-input limits
 * checked before decoding (header size, JPEG scans, the decoding budget), decoding through libjpeg-turbo or
 * ImageIO, EXIF orientation read without inflating metadata, alpha, Pillow-exact resizing, crop or pad, and
 * normalisation. Plain Java and JNA: no Spring, no DJL.
 */
package dev.resnetserve.preprocess;
