package io.hsip.policygateway.gateway.decision;

import io.hsip.policygateway.base.WireNamed;
import java.util.Locale;

/** How a request reached the pipeline: a metric label and an audit detail. */
public enum FrontDoor implements WireNamed {
  /** An HSIP UDP listener. */
  UDP,
  /** The decision API of the organisation's daemons. */
  API;

  /** {@code udp} or {@code api}. */
  @Override
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
