package io.hsip.policygateway.base;

import jakarta.persistence.AttributeConverter;
import org.jspecify.annotations.Nullable;

/**
 * Stores a {@link WireNamed} enum as its wire spelling, so a column reads the same as the JSON and
 * its check constraint. JPA needs a concrete converter class per enum: a one-line subclass naming
 * the type.
 *
 * @param <E> the enum
 */
public abstract class WireNamedColumn<E extends Enum<E> & WireNamed>
    implements AttributeConverter<E, String> {

  private final Class<E> type;

  protected WireNamedColumn(Class<E> type) {
    this.type = type;
  }

  @Override
  public @Nullable String convertToDatabaseColumn(@Nullable E value) {
    return value == null ? null : value.wire();
  }

  @Override
  public @Nullable E convertToEntityAttribute(@Nullable String wire) {
    if (wire == null) {
      return null;
    }
    // The table's check constraint admits only known spellings, so anything else is a corrupt row.
    return WireNamed.fromWire(type, wire)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the database holds \"" + wire + "\", which is no " + type.getSimpleName()));
  }
}
