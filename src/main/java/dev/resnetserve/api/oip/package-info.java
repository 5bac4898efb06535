/**
 * The Open Inference Protocol (KServe v2, as Triton speaks it) over the serving core: JSON and binary tensor
 * data, BYTES images and FP32 tensors, the classification extension, and the protocol's {@code {"error"}} answers.
 * Depends on {@code api} and {@code inference}, never on the other protocol adapters.
 */
package dev.resnetserve.api.oip;
