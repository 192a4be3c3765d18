package io.hsip.policygateway.policy.model;

import io.hsip.policygateway.base.WireNamed;
import java.util.Locale;
import java.util.Optional;

/** Whether a requester is one of the organisation's own members or an outside peer. */
public enum RequesterKind implements WireNamed {
  /** A protected member of the organisation. */
  MEMBER,
  /** Any other HSIP peer. */
  EXTERNAL;

  /** The document spelling: {@code member} or {@code external}. */
  @Override
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The constant spelled {@code wire}, or empty. */
  public static Optional<RequesterKind> fromWire(String wire) {
    return WireNamed.fromWire(RequesterKind.class, wire);
  }
}
