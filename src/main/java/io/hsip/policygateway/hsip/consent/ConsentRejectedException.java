package io.hsip.policygateway.hsip.consent;

/** A well-formed consent document that must not be honoured; {@link #reason()} says why. */
public final class ConsentRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a request or response was rejected; stable names for metrics and audit entries. */
  public enum Reason {
    /** The stated public key is not a valid Ed25519 key. */
    INVALID_KEY,
    /** The stated PeerID is not the one the stated public key derives. */
    PEER_ID_MISMATCH,
    /** The signature does not strictly verify. */
    BAD_SIGNATURE,
    /** {@code ts_ms} lies further in the past than the clock-skew window. */
    STALE,
    /** {@code ts_ms} lies further in the future than the clock-skew window. */
    FROM_FUTURE,
    /** {@code expires_ms} has passed. */
    EXPIRED,
    /** {@code expires_ms} lies before {@code ts_ms}. */
    EXPIRES_BEFORE_CREATION,
    /** {@code expires_ms} lies further after {@code ts_ms} than the allowed lifetime. */
    LIFETIME_TOO_LONG,
    /** This (PeerID, nonce) was already used. */
    REPLAYED,
    /** The replay check could not be made; we fail closed. */
    REPLAY_CHECK_UNAVAILABLE,
    /** A response does not answer this request (request hash mismatch). */
    WRONG_REQUEST,
    /** A response was not signed by the expected responder. */
    UNEXPECTED_RESPONDER,
    /** A deny that carries a non-zero TTL. */
    DENY_WITH_TTL,
    /** An allow whose validity ({@code ts_ms + ttl_ms}) has ended. */
    CONSENT_ENDED
  }

  private final Reason reason;

  /** Creates the exception with a reason and an exact message. */
  public ConsentRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** Why the document was rejected. */
  public Reason reason() {
    return reason;
  }
}
