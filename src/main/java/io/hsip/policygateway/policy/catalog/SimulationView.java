package io.hsip.policygateway.policy.catalog;

import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.Rule;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A decision with its explanation.
 *
 * @param effect allow or deny
 * @param reason allowed, denied_by_rule, no_matching_rule, evaluation_failed
 * @param grantedTtlMs granted TTL (0 for a deny)
 * @param requestedTtlMs what was asked for
 * @param matchedRules every matching rule, in document order
 * @param decidingRules the denies, or the allows whose cap set the TTL
 * @param rateLimits declared limits of the matching allows
 * @param explanation the decision in words
 * @param policySet set
 * @param version version (0 for a draft)
 * @param digest digest
 */
public record SimulationView(
    String effect,
    String reason,
    long grantedTtlMs,
    long requestedTtlMs,
    List<String> matchedRules,
    List<String> decidingRules,
    List<SimulationView.RateLimitView> rateLimits,
    String explanation,
    @Nullable String policySet,
    @Nullable Integer version,
    @Nullable String digest) {

  /** The view of one decision. */
  public static SimulationView from(PolicyDecision d) {
    PolicyDecision.PolicyRef p = d.policy();
    return new SimulationView(
        d.effect().wire(),
        d.reason().wire(),
        d.grantedTtlMs(),
        d.requestedTtlMs(),
        d.matchedRuleIds(),
        d.decidingRuleIds(),
        d.rateLimits().stream().map(RateLimitView::from).toList(),
        d.explanation(),
        p == null ? null : p.policySet(),
        p == null ? null : p.version(),
        p == null ? null : p.digest());
  }

  /**
   * A declared rate limit.
   *
   * @param requests how many
   * @param perMs per how many ms
   * @param key counted per requester or per requester and target
   */
  public record RateLimitView(int requests, long perMs, String key) {
    static RateLimitView from(Rule.RateLimit l) {
      return new RateLimitView(l.requests(), l.per().toMillis(), l.key());
    }
  }
}
