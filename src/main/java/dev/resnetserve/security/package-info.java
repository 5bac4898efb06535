/**
 * The HTTP security chain: API keys known by their SHA-256 with inference, management and metrics roles;
 * closed by default (without keys, model management only on a loopback-only server); security headers, CSP and
 * CORS; 401/403 as problem details. Knows nothing of the serving code.
 */
package dev.resnetserve.security;
