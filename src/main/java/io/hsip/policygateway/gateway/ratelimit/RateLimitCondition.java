package io.hsip.policygateway.gateway.ratelimit;

import io.hsip.policygateway.audit.AuditCondition;
import io.hsip.policygateway.hsip.Sha256;
import io.hsip.policygateway.policy.model.Effect;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.Rule;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One allow counted against a rule's rate limit, as a condition of the allow's audit entry: the
 * count of the limit's current window is raised in the same transaction as the entry, and only
 * while it is below the rule's {@code requests}. So across every replica a window never holds more
 * allows than the limit (the tolerance is zero within a window), and an allow that did not reach
 * the log spent nothing.
 *
 * <p>Windows are fixed and aligned to the Unix epoch in multiples of the rule's {@code per}, judged
 * by the deciding replica's clock: in any sliding interval of length {@code per} at most twice the
 * limit can be allowed (the end of one window and the start of the next), and replicas whose clocks
 * differ by {@code d} may count an allow near a boundary in the neighbouring window, at most for
 * {@code d}.
 *
 * @param limitKey SHA-256 (hex) of the rule id, the requester and, for {@code requester_target}
 *     limits, the target: no PeerID is stored in the clear
 * @param windowStart the start of the window the allow falls in
 * @param retainUntil when the window's row may be purged
 * @param requests the most allows per window
 */
public record RateLimitCondition(
    String limitKey, Instant windowStart, Instant retainUntil, int requests)
    implements AuditCondition {

  /** The refusal code of an allow beyond its limit. */
  public static final String REFUSAL = "rate_limited";

  /** Windows are kept this long after they end, for replicas whose clocks run behind. */
  static final Duration RETENTION_MARGIN = Duration.ofMinutes(5);

  private static final String SQL =
      """
      INSERT INTO rate_limit_window (limit_key, window_start, used, retain_until)
      VALUES (?, ?, 1, ?)
      ON CONFLICT (limit_key, window_start) DO UPDATE SET used = rate_limit_window.used + 1
        WHERE rate_limit_window.used < ?
      """;

  /** The limit key of a {@code requester} or {@code requester_target} limit. */
  public static final String KEY_REQUESTER = "requester";

  /** The limit key of a per (requester, target) limit. */
  public static final String KEY_REQUESTER_TARGET = "requester_target";

  /**
   * The conditions an allow must meet: one per rate limit its matched allow rules declare (none for
   * a deny).
   *
   * @param requester the verified requester PeerID
   * @param target the PeerID the request is addressed to
   * @param now the deciding replica's clock
   */
  public static List<AuditCondition> of(
      PolicyDecision decision, String requester, String target, Instant now) {
    List<AuditCondition> conditions = new ArrayList<>();
    if (decision.effect() != Effect.ALLOW) {
      return conditions;
    }
    for (Rule rule : decision.matched()) {
      Rule.RateLimit limit = rule.rateLimit();
      if (limit != null && rule.effect() == Effect.ALLOW) {
        conditions.add(of(rule.id(), limit, requester, target, now));
      }
    }
    return conditions;
  }

  /** The condition of one allow under {@code limit} of rule {@code ruleId}. */
  public static RateLimitCondition of(
      String ruleId, Rule.RateLimit limit, String requester, String target, Instant now) {
    long per = limit.per().toMillis();
    if (per <= 0 || limit.requests() < 1) {
      throw new IllegalArgumentException("a rate limit needs requests >= 1 and a positive period");
    }
    long start = Math.floorDiv(now.toEpochMilli(), per) * per;
    String subject =
        KEY_REQUESTER_TARGET.equals(limit.key()) ? requester + "|" + target : requester;
    String key =
        Sha256.hex(
            ("hsip-rate-limit-v1|" + ruleId + "|" + limit.key() + "|" + subject)
                .getBytes(StandardCharsets.UTF_8));
    Instant windowStart = Instant.ofEpochMilli(start);
    return new RateLimitCondition(
        key, windowStart, windowStart.plusMillis(per).plus(RETENTION_MARGIN), limit.requests());
  }

  @Override
  public String lockKey() {
    return "rate|" + limitKey + "|" + windowStart.toEpochMilli();
  }

  @Override
  public String sql() {
    return SQL;
  }

  @Override
  public void bind(PreparedStatement statement) throws SQLException {
    statement.setString(1, limitKey);
    statement.setTimestamp(2, Timestamp.from(windowStart));
    statement.setTimestamp(3, Timestamp.from(retainUntil));
    statement.setInt(4, requests);
  }

  @Override
  public String refusal() {
    return REFUSAL;
  }
}
