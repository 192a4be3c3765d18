package io.hsip.policygateway.hsip.token;

import java.util.Locale;
import java.util.Optional;

/** What a capability token grants, with the reference's wire names. */
public enum Capability {
  /** Open an encrypted session. */
  SESSION,
  /** Transfer files. */
  FILETRANSFER,
  /** Voice calls. */
  VOICE,
  /** Send HELLO. */
  HELLO,
  /** Ping. */
  PING;

  /** The wire name, e.g. {@code session}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The capability with this exact wire name, or empty. */
  public static Optional<Capability> fromWire(String wire) {
    for (Capability c : values()) {
      if (c.wire().equals(wire)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
