/**
 * The one decision pipeline both front doors use: verify, freshness, facts, policy, durable audit
 * entry (with the replay and rate-limit records), answer.
 */
@NullMarked
package io.hsip.policygateway.gateway.decision;

import org.jspecify.annotations.NullMarked;
