/**
 * The HSIP protocol, wire-compatible with the public reference's CLI dialect (described in {@code
 * docs/protocol.md}): identities, consent, HELLO, tokens, sealed sessions and the reputation log
 * format. Plain Java with BouncyCastle; no Quarkus, no database.
 *
 * <p>Parsers of network input throw only their format's checked exception, never an unchecked one.
 */
@NullMarked
package io.hsip.policygateway.hsip;

import org.jspecify.annotations.NullMarked;
