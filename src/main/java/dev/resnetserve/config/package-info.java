/**
 * The composition root: validated {@code @ConfigurationProperties} records for {@code resnet.*} and the
 * configuration classes that build every service from them (engine, decoder, registry, security chain). Everything
 * may be used here; nothing depends on this package.
 */
package dev.resnetserve.config;
