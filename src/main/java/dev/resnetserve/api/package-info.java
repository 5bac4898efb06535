/**
 * The {@code /v1} protocol adapter and the HTTP plumbing every protocol shares: the controllers call the serving
 * core ({@code dev.resnetserve.serving.Classifier}); the filters count every inference request's outcome, take a
 * request thread for it before its body is read, and bound every body. Errors are answered from
 * {@code dev.resnetserve.error.ErrorCode} as RFC 9457 problem details.
 */
package dev.resnetserve.api;
