package dev.resnetserve.config;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How images are decoded.
 *
 * @param nativeJpeg       decode JPEG with libjpeg-turbo when it can be loaded (the same pixels as ImageIO and
 *                         Pillow, 2-7x faster); ImageIO otherwise, and always for the other formats
 * @param turbojpegLibrary the TurboJPEG library: a name ({@code turbojpeg} finds Debian's {@code libturbojpeg0})
 *                         or a path
 */
public record DecodingProperties(
        @DefaultValue("true") boolean nativeJpeg,
        @NotBlank @DefaultValue("turbojpeg") String turbojpegLibrary) {}
