package io.hsip.policygateway.hsip.consent;

import io.hsip.policygateway.hsip.identity.Ed25519PublicKey;

/**
 * A consent response that answers a known request, is authentically signed and internally consistent.
 *
 * @param response the response as received
 * @param responderKey the validated key that signed it
 * @param validUntilMs end of the consent ({@code ts_ms + ttl_ms}); equal to {@code ts_ms} for a deny
 */
public record VerifiedConsentResponse(
    ConsentResponse response, Ed25519PublicKey responderKey, long validUntilMs) {

  /** Whether this is an allow still valid at {@code nowMs}. */
  public boolean allowsAt(long nowMs) {
    return response.decision() == ConsentDecision.ALLOW && nowMs <= validUntilMs;
  }
}
