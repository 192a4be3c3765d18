package io.hsip.policygateway.policy.model;

import java.util.Locale;

/** What a rule does when it matches, and what a decision says. */
public enum Effect {
  /** Consent is granted, for at most the granted TTL. */
  ALLOW,
  /** Consent is refused; a deny always carries TTL 0 (docs/decisions.md#policy-semantics). */
  DENY;

  /** The spelling used in documents and APIs: {@code allow} or {@code deny}. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
