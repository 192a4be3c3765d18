/**
 * Replay protection shared by every replica: the (PeerID, nonce) ledger in PostgreSQL, written in
 * the same transaction as the decision's audit entry ({@link
 * io.hsip.policygateway.gateway.replay.NonceCondition}).
 */
@NullMarked
package io.hsip.policygateway.gateway.replay;

import org.jspecify.annotations.NullMarked;
