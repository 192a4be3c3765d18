/**
 * HSIP sealed sessions in the reference's CLI dialect
 * (docs/protocol.md#sealed-sessions-cli-dialect): the unauthenticated E1/E2 X25519 handshake, the
 * HKDF session key, and ChaCha20-Poly1305 frames with per-direction nonce prefixes and counters.
 */
@NullMarked
package io.hsip.policygateway.hsip.session;

import org.jspecify.annotations.NullMarked;
