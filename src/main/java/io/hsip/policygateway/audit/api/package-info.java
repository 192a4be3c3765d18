/**
 * The auditor's REST API ({@code /api/v1/audit}): search, entries with inclusion proofs,
 * checkpoints, consistency proofs, the public key, export bundles of signed tree-size ranges
 * (spooled, then streamed) and CSV, and subject erasure. Readable by {@code hsip-auditor} and
 * {@code hsip-admin}.
 */
@NullMarked
package io.hsip.policygateway.audit.api;

import org.jspecify.annotations.NullMarked;
