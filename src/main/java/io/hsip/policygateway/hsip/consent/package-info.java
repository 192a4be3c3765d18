/**
 * HSIP consent: the signed request and response documents (hsip-protocol.md §3), their strict parsers,
 * and the validator for everything the reference never checks (freshness, expiry, replay).
 */
@NullMarked
package io.hsip.policygateway.hsip.consent;

import org.jspecify.annotations.NullMarked;
