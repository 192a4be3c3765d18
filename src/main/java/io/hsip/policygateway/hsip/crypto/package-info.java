/**
 * HSIP cryptographic primitives: Ed25519 (strict), X25519, HKDF-SHA256, ChaCha20-Poly1305, BLAKE3
 * and SHA-256, over BouncyCastle's lightweight API.
 *
 * <p>Only code inside {@code hsip} may use this package (enforced by {@code ArchitectureTest});
 * other features go through the typed keys in {@code hsip.keys} and the protocol types.
 */
@NullMarked
package io.hsip.policygateway.hsip.crypto;

import org.jspecify.annotations.NullMarked;
