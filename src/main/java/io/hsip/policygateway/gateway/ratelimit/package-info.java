/**
 * Rate limits that policy rules declare, enforced across every replica through PostgreSQL in the
 * same transaction as the allow's audit entry ({@link
 * io.hsip.policygateway.gateway.ratelimit.RateLimitCondition}).
 */
@NullMarked
package io.hsip.policygateway.gateway.ratelimit;

import org.jspecify.annotations.NullMarked;
