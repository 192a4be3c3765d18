package io.hsip.policygateway.gateway.decision;

import io.hsip.policygateway.base.WireNamed;
import java.util.Locale;
import java.util.Optional;

/**
 * Why a decision came out as it did: the machine-readable reason code of every answer, audit entry
 * and metric (docs/operations.md#decision-reason-codes). Every code but {@link #ALLOWED} is a deny.
 */
public enum DecisionReason implements WireNamed {
  /** The live policy allowed the request. */
  ALLOWED,
  /** The live policy denied it: a deny rule matched, or no allow rule did (default deny). */
  POLICY_DENY,
  /** No policy is loaded: fail closed. */
  NO_POLICY,
  /** The signature does not strictly verify, or the stated key is not a valid Ed25519 key. */
  BAD_SIGNATURE,
  /** {@code requester_peer_id} is not the PeerID of {@code requester_pub_key_hex}. */
  PID_MISMATCH,
  /** The request is not a well-formed consent request. */
  MALFORMED,
  /** {@code ts_ms} lies outside the clock-skew window, in the past or in the future. */
  STALE,
  /** {@code expires_ms} has passed. */
  EXPIRED,
  /** {@code expires_ms} lies before {@code ts_ms}. */
  EXPIRES_BEFORE_CREATION,
  /** {@code expires_ms} lies further after {@code ts_ms} than the allowed lifetime. */
  LIFETIME_TOO_LONG,
  /** This requester already used this nonce. */
  REPLAYED,
  /** An allow would exceed a rate limit a matching rule declares. */
  RATE_LIMITED,
  /** The decision could not be made durable in the audit log: fail closed, nothing recorded. */
  AUDIT_UNAVAILABLE,
  /** The replay ledger could not be consulted: fail closed. */
  REPLAY_UNAVAILABLE,
  /** The member directory has no usable snapshot: fail closed. */
  DIRECTORY_UNAVAILABLE,
  /**
   * An unexpected failure inside the gateway while deciding: fail closed, logged with the cause.
   */
  INTERNAL_ERROR;

  /** The wire spelling, e.g. {@code policy_deny}. */
  @Override
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this reason allows. */
  public boolean allows() {
    return this == ALLOWED;
  }

  /** The constant spelled {@code wire}, or empty. */
  public static Optional<DecisionReason> fromWire(String wire) {
    return WireNamed.fromWire(DecisionReason.class, wire);
  }
}
