package io.hsip.policygateway.base;

import java.util.Optional;

/**
 * An enum whose constants have a fixed external spelling (JSON, database columns, files), distinct
 * from the Java name. Implementations expose {@code wire()} and a {@code static fromWire(String)}
 * returning {@link Optional}, so every caller decides itself what an unknown spelling means.
 */
public interface WireNamed {

  /** The spelling outside the JVM, e.g. {@code admin-change}; never changes once published. */
  String wire();

  /** The constant of {@code type} spelled exactly {@code wire} (case-sensitive), or empty. */
  static <E extends Enum<E> & WireNamed> Optional<E> fromWire(Class<E> type, String wire) {
    for (E constant : type.getEnumConstants()) {
      if (constant.wire().equals(wire)) {
        return Optional.of(constant);
      }
    }
    return Optional.empty();
  }
}
