package io.hsip.policygateway.hsip.consent;

import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;

/**
 * A consent request that passed every check of {@link ConsentValidator}: authentic, fresh,
 * unexpired and not replayed. Only the validator can create one, so holding one is proof that the
 * checks ran.
 */
public final class VerifiedConsentRequest {

  private final ConsentRequest request;
  private final Ed25519PublicKey requesterKey;

  VerifiedConsentRequest(ConsentRequest request, Ed25519PublicKey requesterKey) {
    this.request = request;
    this.requesterKey = requesterKey;
  }

  /** The request as received. */
  public ConsentRequest request() {
    return request;
  }

  /** The validated key that signed it. */
  public Ed25519PublicKey requesterKey() {
    return requesterKey;
  }

  @Override
  public String toString() {
    return "VerifiedConsentRequest["
        + request.requesterPeerId()
        + ", nonce "
        + request.nonceHex()
        + "]";
  }
}
