package io.hsip.policygateway.hsip.consent;

import java.util.Optional;

/** The two answers to a consent request, with their exact wire spelling. */
public enum ConsentDecision {
  /** Consent granted for {@code ttl_ms} from the response's {@code ts_ms}. */
  ALLOW("allow"),
  /** Consent refused; always with {@code ttl_ms = 0}. */
  DENY("deny");

  private final String wire;

  ConsentDecision(String wire) {
    this.wire = wire;
  }

  /** The exact string on the wire. */
  public String wire() {
    return wire;
  }

  /** The decision spelled {@code wire}, or empty. */
  public static Optional<ConsentDecision> fromWire(String wire) {
    for (ConsentDecision d : values()) {
      if (d.wire.equals(wire)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
