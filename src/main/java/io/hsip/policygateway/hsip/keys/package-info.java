/**
 * HSIP identities: Ed25519 signing and public keys, PeerIDs, and the key files of the reference and
 * of the gateway.
 */
@NullMarked
package io.hsip.policygateway.hsip.keys;

import org.jspecify.annotations.NullMarked;
