/**
 * How the service refuses: one {@code ServiceException} carrying an {@code ErrorCode} (status, stable code,
 * retryable, Retry-After), answered by every protocol from that table alone. Plain Java, used by every layer,
 * depending on nothing of the project.
 */
package dev.resnetserve.error;
