/**
 * HSIP consent: the signed request and response documents (docs/protocol.md#consent), their strict
 * parsers, and the validator for everything the reference never checks (freshness, expiry, replay).
 */
@NullMarked
package io.hsip.policygateway.hsip.consent;

import org.jspecify.annotations.NullMarked;
