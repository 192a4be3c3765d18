package io.hsip.policygateway.policy.model;

import java.util.Locale;

/** Whether a requester is one of the organisation's own members or an outside peer. */
public enum RequesterKind {
  /** A protected member of the organisation. */
  MEMBER,
  /** Any other HSIP peer. */
  EXTERNAL;

  /** The document spelling: {@code member} or {@code external}. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code member} or {@code external}. */
  public static RequesterKind parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
