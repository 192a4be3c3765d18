package io.hsip.policygateway.policy.model;

import io.hsip.policygateway.base.WireNamed;
import java.util.Locale;
import java.util.Optional;

/** What a rule does when it matches, and what a decision says. */
public enum Effect implements WireNamed {
  /** Consent is granted, for at most the granted TTL. */
  ALLOW,
  /** Consent is refused; a deny always carries TTL 0 (docs/decisions.md#policy-semantics). */
  DENY;

  /** The spelling used in documents and APIs: {@code allow} or {@code deny}. */
  @Override
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The constant spelled {@code wire}, or empty. */
  public static Optional<Effect> fromWire(String wire) {
    return WireNamed.fromWire(Effect.class, wire);
  }
}
