package io.hsip.policygateway.policy.model;

import io.hsip.policygateway.base.WireNamed;
import java.time.DayOfWeek;
import java.util.Locale;
import java.util.Optional;

/** Days as documents spell them ({@code mon} … {@code sun}). */
public enum Weekday implements WireNamed {
  MON(DayOfWeek.MONDAY),
  TUE(DayOfWeek.TUESDAY),
  WED(DayOfWeek.WEDNESDAY),
  THU(DayOfWeek.THURSDAY),
  FRI(DayOfWeek.FRIDAY),
  SAT(DayOfWeek.SATURDAY),
  SUN(DayOfWeek.SUNDAY);

  private final DayOfWeek day;

  Weekday(DayOfWeek day) {
    this.day = day;
  }

  /** The ISO day. */
  public DayOfWeek day() {
    return day;
  }

  /** The document spelling. */
  @Override
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The day after this one ({@code sun} is followed by {@code mon}). */
  public Weekday next() {
    return values()[(ordinal() + 1) % 7];
  }

  /** The constant spelled {@code wire}, or empty. */
  public static Optional<Weekday> fromWire(String wire) {
    return WireNamed.fromWire(Weekday.class, wire);
  }
}
