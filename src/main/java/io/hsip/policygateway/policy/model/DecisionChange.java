package io.hsip.policygateway.policy.model;

import io.hsip.policygateway.base.WireNamed;
import org.jspecify.annotations.Nullable;

/**
 * How another policy version's answer to a request differs from the answer given: what shadow mode
 * counts on live traffic and impact analysis counts on recorded decisions.
 */
public enum DecisionChange implements WireNamed {
  /** It was allowed; the other version would deny. */
  ALLOW_TO_DENY("allow_to_deny"),
  /** It was denied; the other version would allow. */
  DENY_TO_ALLOW("deny_to_allow"),
  /** Both allow; the other version would grant a shorter TTL. */
  TTL_SHORTER("ttl_shorter"),
  /** Both allow; the other version would grant a longer TTL. */
  TTL_LONGER("ttl_longer");

  private final String wire;

  DecisionChange(String wire) {
    this.wire = wire;
  }

  @Override
  public String wire() {
    return wire;
  }

  /** How {@code other} differs from {@code given}, or null when it answers the same. */
  public static @Nullable DecisionChange between(PolicyDecision given, PolicyDecision other) {
    return between(
        given.effect() == Effect.ALLOW,
        given.grantedTtlMs(),
        other.effect() == Effect.ALLOW,
        other.grantedTtlMs());
  }

  /**
   * How an answer ({@code otherAllows}, {@code otherTtlMs}) differs from the answer given, or null
   * when it is the same (TTLs of denies are not compared).
   */
  public static @Nullable DecisionChange between(
      boolean givenAllows, long givenTtlMs, boolean otherAllows, long otherTtlMs) {
    if (givenAllows != otherAllows) {
      return givenAllows ? ALLOW_TO_DENY : DENY_TO_ALLOW;
    }
    if (givenAllows && givenTtlMs != otherTtlMs) {
      return otherTtlMs < givenTtlMs ? TTL_SHORTER : TTL_LONGER;
    }
    return null;
  }
}
