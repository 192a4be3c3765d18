package io.hsip.policygateway.hsip.token;

import java.util.Locale;

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

  /** The capability with this exact wire name, or {@code null}. */
  public static @org.jspecify.annotations.Nullable Capability fromWire(String wire) {
    for (Capability c : values()) {
      if (c.wire().equals(wire)) {
        return c;
      }
    }
    return null;
  }
}
