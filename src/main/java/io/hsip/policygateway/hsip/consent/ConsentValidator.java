package io.hsip.policygateway.hsip.consent;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.consent.ConsentRejectedException.Reason;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.InvalidKeyException;
import io.hsip.policygateway.hsip.keys.InvalidSignatureException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a well-formed consent document may be honoured: everything the reference's {@code
 * validate_request}/{@code validate_response} check (key, PeerID, strict signature, request
 * binding, deny &rArr; {@code ttl_ms = 0}) plus what it never checks
 * (docs/protocol.md#freshness-expiry-and-replay): the clock-skew window on {@code ts_ms}, absolute
 * {@code expires_ms}, a bounded lifetime and the replay check.
 *
 * <p>Order matters: the cheap time rules come first, then the signature, and the replay guard last,
 * only for authentic and fresh requests, so forged or stale traffic can neither fill it nor burn an
 * honest peer's nonce.
 */
public final class ConsentValidator {

  /**
   * The time rules.
   *
   * @param clockSkew how far {@code ts_ms} may lie from our clock, either way
   * @param maxLifetime how far {@code expires_ms} may lie after {@code ts_ms}
   */
  public record Rules(Duration clockSkew, Duration maxLifetime) {
    /** Defaults: 60 s skew (the reference's own tests use it for HELLO), 24 h lifetime. */
    public static final Rules DEFAULT = new Rules(Duration.ofSeconds(60), Duration.ofHours(24));

    /** Validates the durations. */
    public Rules {
      if (clockSkew.isNegative() || maxLifetime.isNegative() || maxLifetime.isZero()) {
        throw new IllegalArgumentException("clock skew must be >= 0 and lifetime > 0");
      }
    }
  }

  private final Rules rules;
  private final ReplayGuard replayGuard;

  /** A validator with the given rules and replay guard. */
  public ConsentValidator(Rules rules, ReplayGuard replayGuard) {
    this.rules = rules;
    this.replayGuard = replayGuard;
  }

  /**
   * Checks authenticity only: the checks the reference's {@code validate_request} makes, with
   * strict Ed25519. For offline inspection of old documents; never enough to honour a request.
   */
  public static Ed25519PublicKey verifySignature(ConsentRequest request)
      throws ConsentRejectedException {
    Ed25519PublicKey key = key(request.requesterPubKeyHex(), "requester");
    if (!key.peerId().value().equals(request.requesterPeerId())) {
      throw new ConsentRejectedException(
          Reason.PEER_ID_MISMATCH, "requester_peer_id does not match requester_pub_key_hex");
    }
    verify(key, request.signedBytes(), request.sigHex(), "request");
    return key;
  }

  /** Checks everything, records the nonce, and returns the verified request. */
  public VerifiedConsentRequest validate(ConsentRequest request, long nowMs)
      throws ConsentRejectedException {
    // The time rules need no crypto: checking them first keeps a flood of stale or expired requests
    // from costing a signature verification each. The replay guard still comes after the signature.
    checkTime(request, nowMs);
    Ed25519PublicKey key = verifySignature(request);
    long retainUntil = nonceRetainUntil(request);
    boolean first;
    try {
      first =
          replayGuard.firstUse(request.requesterPeerId(), request.nonceHex(), nowMs, retainUntil);
    } catch (RuntimeException e) {
      throw new ConsentRejectedException(
          Reason.REPLAY_CHECK_UNAVAILABLE, "replay check unavailable; request refused");
    }
    if (!first) {
      throw new ConsentRejectedException(
          Reason.REPLAYED, "nonce_hex was already used by this requester");
    }
    return new VerifiedConsentRequest(request, key);
  }

  /**
   * Checks the time rules only: {@code ts_ms} within the clock-skew window either way, {@code
   * expires_ms} not before {@code ts_ms}, not passed, and at most the allowed lifetime after {@code
   * ts_ms}. Records nothing: for callers that record the nonce themselves (the decision pipeline
   * commits it with the decision's audit entry).
   */
  public void checkTime(ConsentRequest request, long nowMs) throws ConsentRejectedException {
    long skew = rules.clockSkew().toMillis();
    if (request.tsMs() < nowMs - skew) {
      throw new ConsentRejectedException(
          Reason.STALE, "ts_ms is more than " + skew + " ms in the past");
    }
    if (request.tsMs() > nowMs + skew) {
      throw new ConsentRejectedException(
          Reason.FROM_FUTURE, "ts_ms is more than " + skew + " ms in the future");
    }
    if (request.expiresMs() < request.tsMs()) {
      throw new ConsentRejectedException(
          Reason.EXPIRES_BEFORE_CREATION,
          "expires_ms is before ts_ms (expires_ms is an absolute Unix time in milliseconds)");
    }
    if (request.expiresMs() < nowMs) {
      throw new ConsentRejectedException(Reason.EXPIRED, "request expired at expires_ms");
    }
    long lifetime = rules.maxLifetime().toMillis();
    if (request.expiresMs() - request.tsMs() > lifetime) {
      throw new ConsentRejectedException(
          Reason.LIFETIME_TOO_LONG, "expires_ms is more than " + lifetime + " ms after ts_ms");
    }
  }

  /**
   * Until when a fresh request's nonce must be remembered: past {@code min(expires, ts + skew)} no
   * replica accepts the request anyway; one more skew covers replicas whose clocks run behind ours.
   */
  public long nonceRetainUntil(ConsentRequest request) {
    long skew = rules.clockSkew().toMillis();
    return Math.min(request.expiresMs(), request.tsMs() + skew) + skew;
  }

  /**
   * Checks that {@code response} authentically answers {@code request}, as the reference's {@code
   * validate_response} does, and optionally that the expected responder signed it and that an allow
   * is still valid at {@code nowMs}.
   *
   * @param expectedResponder the responder we asked, or {@code null} to accept any signer
   * @param nowMs the time to check validity at, or {@code null} for no time check
   */
  public static VerifiedConsentResponse validateResponse(
      ConsentResponse response,
      ConsentRequest request,
      @Nullable Ed25519PublicKey expectedResponder,
      @Nullable Long nowMs)
      throws ConsentRejectedException {
    byte[] expectedHash = request.hash();
    byte[] statedHash = LowerHex.decode(response.requestHashHex(), 32);
    if (statedHash == null || !java.security.MessageDigest.isEqual(expectedHash, statedHash)) {
      throw new ConsentRejectedException(
          Reason.WRONG_REQUEST, "request_hash_hex does not match the request");
    }
    Ed25519PublicKey key = key(response.responderPubKeyHex(), "responder");
    if (!key.peerId().value().equals(response.responderPeerId())) {
      throw new ConsentRejectedException(
          Reason.PEER_ID_MISMATCH, "responder_peer_id does not match responder_pub_key_hex");
    }
    if (expectedResponder != null && !expectedResponder.equals(key)) {
      throw new ConsentRejectedException(
          Reason.UNEXPECTED_RESPONDER,
          "response was signed by " + key.peerId() + ", expected " + expectedResponder.peerId());
    }
    if (response.decision() == ConsentDecision.DENY && response.ttlMs() != 0) {
      throw new ConsentRejectedException(Reason.DENY_WITH_TTL, "deny must carry ttl_ms = 0");
    }
    verify(key, response.signedBytes(), response.sigHex(), "response");
    long validUntil = saturatedAdd(response.tsMs(), response.ttlMs());
    VerifiedConsentResponse verified = new VerifiedConsentResponse(response, key, validUntil);
    if (nowMs != null
        && response.decision() == ConsentDecision.ALLOW
        && !verified.allowsAt(nowMs)) {
      throw new ConsentRejectedException(Reason.CONSENT_ENDED, "consent ended at ts_ms + ttl_ms");
    }
    return verified;
  }

  /** The rules in force. */
  public Rules rules() {
    return rules;
  }

  private static Ed25519PublicKey key(String hex, String who) throws ConsentRejectedException {
    try {
      return Ed25519PublicKey.fromHex(hex);
    } catch (InvalidKeyException e) {
      throw new ConsentRejectedException(Reason.INVALID_KEY, who + " " + e.getMessage());
    }
  }

  private static void verify(Ed25519PublicKey key, byte[] message, String sigHex, String what)
      throws ConsentRejectedException {
    byte[] signature = LowerHex.decode(sigHex, 64);
    try {
      if (signature == null) {
        throw new InvalidSignatureException("signature must be 128 lowercase hex characters");
      }
      key.verify(message, signature);
    } catch (InvalidSignatureException e) {
      throw new ConsentRejectedException(Reason.BAD_SIGNATURE, what + " " + e.getMessage());
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < a ? Long.MAX_VALUE : sum;
  }
}
