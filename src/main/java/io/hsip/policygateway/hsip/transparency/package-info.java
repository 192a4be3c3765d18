/**
 * RFC 9162 (Certificate Transparency v2) Merkle trees for the audit log, in plain Java: leaf and
 * node hashing, tree roots, inclusion, consistency and range proofs (generation from any {@link
 * io.hsip.policygateway.hsip.transparency.NodeSource} and verification), and signed checkpoints in
 * the C2SP {@code tlog-checkpoint} / signed-note text format. No Quarkus, no database: the offline
 * verifier uses exactly this code.
 */
@NullMarked
package io.hsip.policygateway.hsip.transparency;

import org.jspecify.annotations.NullMarked;
