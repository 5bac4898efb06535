/**
 * TorchServe's inference API over the serving core: {@code /predictions} in TorchServe's answer shape,
 * {@code /ping}, and TorchServe's error objects. Depends on {@code api} and {@code inference}, never on the other
 * protocol adapters.
 */
package dev.resnetserve.api.torchserve;
