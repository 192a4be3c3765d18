package io.hsip.policygateway.policy.model;

import io.hsip.policygateway.base.WireNamed;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The evaluator's answer to one request: effect, granted TTL, the rules that matched and why. The
 * explanation is rendered on demand from these facts, so deciding stays allocation-light.
 *
 * @param effect allow or deny
 * @param reason why, in one word
 * @param grantedTtlMs how long consent is granted, in ms; always 0 for a deny
 * @param requestedTtlMs what was asked for
 * @param matched every rule that matched, in document order
 * @param deciding the rules that determined the outcome: the matching denies, or the allows whose
 *     TTL cap set the granted TTL (empty when the requested TTL was granted as asked or nothing
 *     matched)
 * @param failure what went wrong when the reason is {@link Reason#EVALUATION_FAILED} or {@link
 *     Reason#NO_POLICY}
 * @param policy the policy that decided: set, version and digest, or null when there was none
 * @param zone the policy's time zone, for the explanation
 */
public record PolicyDecision(
    Effect effect,
    Reason reason,
    long grantedTtlMs,
    long requestedTtlMs,
    List<Rule> matched,
    List<Rule> deciding,
    @Nullable String failure,
    @Nullable PolicyRef policy,
    ZoneId zone) {

  /** Why a decision came out as it did. */
  public enum Reason implements WireNamed {
    /** At least one allow matched and no deny did. */
    ALLOWED,
    /** At least one deny matched; deny overrides allow. */
    DENIED_BY_RULE,
    /** No rule matched: default deny. */
    NO_MATCHING_RULE,
    /** A rule's condition could not be evaluated: fail closed. */
    EVALUATION_FAILED,
    /** No policy is loaded: fail closed. */
    NO_POLICY;

    /**
     * The lowercase spelling in API responses, suites and audit entries, e.g. {@code
     * denied_by_rule}.
     */
    @Override
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The constant spelled {@code wire}, or empty. */
    public static Optional<Reason> fromWire(String wire) {
      return WireNamed.fromWire(Reason.class, wire);
    }
  }

  /**
   * Which policy decided.
   *
   * @param policySet set name
   * @param version published version, or 0 for an unpublished draft or file
   * @param digest SHA-256 (hex) of the canonical document
   */
  public record PolicyRef(String policySet, int version, String digest) {}

  /** Keeps the rule lists read-only (a view: deciding stays allocation-light). */
  public PolicyDecision {
    matched = Collections.unmodifiableList(matched);
    deciding = Collections.unmodifiableList(deciding);
  }

  /** A fail-closed deny without a policy. */
  public static PolicyDecision noPolicy(long requestedTtlMs, String why) {
    return new PolicyDecision(
        Effect.DENY,
        Reason.NO_POLICY,
        0,
        requestedTtlMs,
        List.of(),
        List.of(),
        why,
        null,
        ZoneId.of("UTC"));
  }

  /** The ids of the matched rules, in document order. */
  public List<String> matchedRuleIds() {
    return matched.stream().map(Rule::id).toList();
  }

  /** The ids of the deciding rules. */
  public List<String> decidingRuleIds() {
    return deciding.stream().map(Rule::id).toList();
  }

  /** Rate limits declared by the matched allow rules (empty for a deny). */
  public List<Rule.RateLimit> rateLimits() {
    if (effect == Effect.DENY) {
      return List.of();
    }
    List<Rule.RateLimit> limits = new ArrayList<>();
    for (Rule rule : matched) {
      if (rule.rateLimit() != null) {
        limits.add(rule.rateLimit());
      }
    }
    return limits;
  }

  /** A human-readable account of the decision, one line per fact. */
  public String explanation() {
    StringBuilder text = new StringBuilder();
    String requested = DurationText.formatMillis(requestedTtlMs);
    switch (reason) {
      case ALLOWED -> {
        text.append("ALLOW for ")
            .append(DurationText.formatMillis(grantedTtlMs))
            .append(" (requested ")
            .append(requested)
            .append(")");
        if (deciding.isEmpty() && grantedTtlMs < requestedTtlMs) {
          text.append(": capped by the policy's max_ttl.");
        } else if (deciding.isEmpty()) {
          text.append(": no matching rule caps it lower.");
        } else {
          text.append(": capped by ").append(String.join(", ", decidingRuleIds())).append('.');
        }
      }
      case DENIED_BY_RULE ->
          text.append("DENY: denied by ")
              .append(String.join(", ", decidingRuleIds()))
              .append(" (deny overrides allow).");
      case NO_MATCHING_RULE -> text.append("DENY: no rule matches (default deny).");
      case EVALUATION_FAILED -> text.append("DENY: ").append(failure).append(" (fail closed).");
      case NO_POLICY -> text.append("DENY: ").append(failure).append(" (fail closed).");
    }
    if (policy != null) {
      text.append("\nPolicy ").append(policy.policySet());
      if (policy.version() > 0) {
        text.append(" v").append(policy.version());
      }
      text.append(" (sha256:")
          .append(policy.digest(), 0, Math.min(12, policy.digest().length()))
          .append(").");
    }
    for (Rule rule : matched) {
      text.append("\n- ").append(rule.id()).append(" (").append(rule.effect().wire());
      if (rule.effect() == Effect.ALLOW && rule.ttlCap() != null) {
        text.append(", TTL cap ").append(DurationText.format(rule.ttlCap()));
      }
      if (rule.effect() == Effect.ALLOW && effect == Effect.DENY) {
        text.append(", overridden");
      }
      text.append(") matched: ").append(String.join("; ", rule.describeConditions(zone.getId())));
    }
    return text.toString();
  }
}
