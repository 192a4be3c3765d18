package io.hsip.policygateway.hsip.consent;

import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;

/**
 * A consent response that answers a known request, is authentically signed and internally
 * consistent. Only {@link ConsentValidator} can create one.
 */
public final class VerifiedConsentResponse {

  private final ConsentResponse response;
  private final Ed25519PublicKey responderKey;
  private final long validUntilMs;

  VerifiedConsentResponse(
      ConsentResponse response, Ed25519PublicKey responderKey, long validUntilMs) {
    this.response = response;
    this.responderKey = responderKey;
    this.validUntilMs = validUntilMs;
  }

  /** The response as received. */
  public ConsentResponse response() {
    return response;
  }

  /** The validated key that signed it. */
  public Ed25519PublicKey responderKey() {
    return responderKey;
  }

  /** End of the consent ({@code ts_ms + ttl_ms}); equal to {@code ts_ms} for a deny. */
  public long validUntilMs() {
    return validUntilMs;
  }

  /** Whether this is an allow still valid at {@code nowMs}. */
  public boolean allowsAt(long nowMs) {
    return response.decision() == ConsentDecision.ALLOW && nowMs <= validUntilMs;
  }

  @Override
  public String toString() {
    return "VerifiedConsentResponse[" + response.decision() + " until " + validUntilMs + "]";
  }
}
