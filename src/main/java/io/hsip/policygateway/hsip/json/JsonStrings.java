package io.hsip.policygateway.hsip.json;

import java.util.function.IntPredicate;

/**
 * JSON string literals as every writer here emits them (RFC 8259, and RFC 8785 for the canonical
 * forms): the two-character escapes for {@code " \ \b \f \n \r \t}, {@code \}{@code u00xx}
 * (lower-case hex) for the other control characters, everything else raw, unless the caller asks
 * for more to be escaped.
 */
public final class JsonStrings {

  /** What to do with a surrogate that is not half of a pair. */
  public enum LoneSurrogates {
    /** Write it raw, as serde_json's Rust strings never hold one. */
    KEEP,
    /** Write it as {@code \}{@code uXXXX}. */
    ESCAPE,
    /** Throw {@link IllegalArgumentException}: RFC 8785 cannot represent it. */
    REFUSE
  }

  private static final IntPredicate NOTHING_ELSE = c -> false;

  private JsonStrings() {}

  /** Appends {@code value} as a quoted JSON string. */
  public static void appendQuoted(StringBuilder out, String value, LoneSurrogates lone) {
    appendQuoted(out, value, lone, NOTHING_ELSE);
  }

  /**
   * Appends {@code value} as a quoted JSON string, also writing as {@code \}{@code uXXXX} every
   * other UTF-16 code unit {@code alsoEscape} accepts (it never sees surrogates).
   */
  public static void appendQuoted(
      StringBuilder out, String value, LoneSurrogates lone, IntPredicate alsoEscape) {
    out.append('"');
    int n = value.length();
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isHighSurrogate(c)
              && i + 1 < n
              && Character.isLowSurrogate(value.charAt(i + 1))) {
            out.append(c).append(value.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            switch (lone) {
              case KEEP -> out.append(c);
              case ESCAPE -> unicodeEscape(out, c);
              case REFUSE ->
                  throw new IllegalArgumentException("string contains an unpaired surrogate");
            }
          } else if (c < 0x20 || alsoEscape.test(c)) {
            unicodeEscape(out, c);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static void unicodeEscape(StringBuilder out, char c) {
    out.append("\\u");
    for (int shift = 12; shift >= 0; shift -= 4) {
      out.append(Character.forDigit((c >> shift) & 0xf, 16));
    }
  }
}
