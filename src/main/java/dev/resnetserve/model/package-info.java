/**
 * What a model is and where it comes from: {@code ModelSpec}, locating a model ({@code file:}, {@code classpath:},
 * DJL zoo, URLs) within the {@code AllowedLocations} a client may name, loading it through DJL's {@code Criteria},
 * bounded labels files, and the engine's process-wide settings.
 */
package dev.resnetserve.model;
