/**
 * Running models: the {@code ModelRegistry} of served models and versions, each model's bounded
 * {@code InferenceQueue} with admission by predicted wait, the dynamic batcher, {@code Worker} threads in a pool
 * per device, warm-up, readiness and top-k. The only package that holds DJL predictors.
 */
package dev.resnetserve.inference;
