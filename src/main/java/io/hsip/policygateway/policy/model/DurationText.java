package io.hsip.policygateway.policy.model;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as policy documents write them: a whole number and a unit, e.g. {@code 500ms}, {@code
 * 30s}, {@code 15m}, {@code 8h}, {@code 7d}.
 */
public final class DurationText {

  /** The accepted syntax, also in the JSON Schema. */
  public static final String PATTERN = "^[0-9]{1,9}(ms|s|m|h|d)$";

  private static final Pattern SYNTAX = Pattern.compile(PATTERN);

  private DurationText() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException with a message fit for a policy author
   */
  public static Duration parse(String text) {
    Matcher m = SYNTAX.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\""
              + text
              + "\" is not a duration; write a whole number and a unit (ms, s, m, h, d), e.g. 15m");
    }
    long amount = Long.parseLong(text.substring(0, m.start(1)));
    return switch (m.group(1)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  /** The shortest exact spelling of a duration, e.g. {@code 90m}, {@code 2h}, {@code 1500ms}. */
  public static String format(Duration duration) {
    long ms = duration.toMillis();
    if (ms == 0) {
      return "0s";
    }
    if (ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1000L == 0) {
      return ms / 1000L + "s";
    }
    return ms + "ms";
  }

  /** {@link #format(Duration)} of milliseconds. */
  public static String formatMillis(long ms) {
    return format(Duration.ofMillis(ms));
  }
}
