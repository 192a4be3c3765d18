/**
 * Impact analysis: the decisions the audit log recorded, replayed against a draft, to say before
 * publishing how many answers it would change and through which rules.
 */
@NullMarked
package io.hsip.policygateway.policy.impact;

import org.jspecify.annotations.NullMarked;
