package io.hsip.policygateway.hsip.consent;

import io.hsip.policygateway.hsip.identity.Ed25519PublicKey;

/**
 * A consent request that passed every check of {@link ConsentValidator}: authentic, fresh, unexpired and
 * not replayed. Only the validator creates one.
 *
 * @param request the request as received
 * @param requesterKey the validated key that signed it
 */
public record VerifiedConsentRequest(ConsentRequest request, Ed25519PublicKey requesterKey) {}
