package io.hsip.policygateway.policy.model;

import java.time.DayOfWeek;
import java.util.Locale;

/** Days as documents spell them ({@code mon} … {@code sun}). */
public enum Weekday {
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
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The day after this one ({@code sun} is followed by {@code mon}). */
  public Weekday next() {
    return values()[(ordinal() + 1) % 7];
  }

  /** Parses {@code mon} … {@code sun}. */
  public static Weekday parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
