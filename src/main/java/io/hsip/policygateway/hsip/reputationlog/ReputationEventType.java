package io.hsip.policygateway.hsip.reputationlog;

import java.util.Optional;

/**
 * Kinds of reputation event with the reference's on-disk spelling and weights.
 *
 * <p>The reference declares already-upper-case variants with {@code rename_all =
 * "SCREAMING_SNAKE_CASE"}, which puts {@code _} before every capital after the first: {@code
 * MISBEHAVIOR} is written {@code M_I_S_B_E_H_A_V_I_O_R}. We keep that spelling on the wire, or the
 * reference could not read our lines.
 */
public enum ReputationEventType {
  /** Explicitly trusted. */
  TRUSTED(4, 5, 6, 8),
  /** Identity verified out of band. */
  VERIFIED_ID(3, 4, 5, 6),
  /** Behaved well. */
  GOOD_BEHAVIOR(1, 2, 3, 4),
  /** A note without weight. */
  NOTE(0, 0, 0, 0),
  /** An appeal. */
  APPEAL(0, 0, 0, 0),
  /** A reversal of an earlier event. */
  REVERSAL(0, 0, 0, 0),
  /** Sent spam. */
  SPAM(-2, -4, -5, -6),
  /** Sent malformed traffic. */
  MALFORMED(-1, -2, -3, -4),
  /** Timed out. */
  TIMEOUT(-1, -1, -2, -3),
  /** Misbehaved. */
  MISBEHAVIOR(-3, -5, -7, -9),
  /** Replayed a message. */
  REPLAY(-2, -3, -4, -5),
  /** Sent an invalid signature. */
  INVALID_SIG(-4, -6, -8, -10);

  private final int weight0;
  private final int weight1;
  private final int weight2;
  private final int weight3;
  private final String wire;

  ReputationEventType(int weight0, int weight1, int weight2, int weight3) {
    this.weight0 = weight0;
    this.weight1 = weight1;
    this.weight2 = weight2;
    this.weight3 = weight3;
    this.wire = mangle(name());
  }

  /** The on-disk spelling, e.g. {@code V_E_R_I_F_I_E_D__I_D}. */
  public String wire() {
    return wire;
  }

  /** The weight the reference stores for a severity (above 3 clamps to 3). */
  public int weight(int severity) {
    if (severity < 0) {
      throw new IllegalArgumentException("severity must be 0..255");
    }
    return switch (Math.min(severity, 3)) {
      case 0 -> weight0;
      case 1 -> weight1;
      case 2 -> weight2;
      default -> weight3;
    };
  }

  /** The type with this exact on-disk spelling, or empty. */
  public static Optional<ReputationEventType> fromWire(String wire) {
    for (ReputationEventType type : values()) {
      if (type.wire.equals(wire)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /**
   * serde's {@code SCREAMING_SNAKE_CASE} applied to a Rust variant name that is already upper case:
   * an underscore before every upper-case letter but the first; existing underscores stay.
   */
  private static String mangle(String rustName) {
    StringBuilder out = new StringBuilder(rustName.length() * 2);
    for (int i = 0; i < rustName.length(); i++) {
      char c = rustName.charAt(i);
      if (i > 0 && Character.isUpperCase(c)) {
        out.append('_');
      }
      out.append(c);
    }
    return out.toString();
  }
}
