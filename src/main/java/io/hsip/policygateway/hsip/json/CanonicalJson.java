package io.hsip.policygateway.hsip.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * RFC 8785 JSON Canonicalization Scheme, the one implementation of canonical JSON in the project:
 * members sorted by their names' UTF-16 code units (§3.2.3), no insignificant whitespace, strings
 * escaping only {@code "}, {@code \} and the control characters (§3.2.2.2).
 *
 * <p>{@link #RFC_8785} is the scheme itself for the values audit entries and bundle files use:
 * objects, arrays, strings, booleans, null and integers in the IEEE-754 exact range (|n| &le; 2^53
 * - 1, which ES6 serialises as plain decimals). Floating-point numbers and unpaired surrogates are
 * refused rather than approximated, so every accepted value has exactly one byte sequence. A form
 * that must depart from the scheme (the policy form, which has to read back through a YAML reader)
 * states how in its own {@link Profile}.
 */
public final class CanonicalJson {

  /** Largest integer magnitude JCS can represent exactly. */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  /**
   * How a canonical form writes strings and numbers.
   *
   * @param loneSurrogates what to do with an unpaired surrogate
   * @param alsoEscape UTF-16 code units written as {@code \}{@code uXXXX} beyond those RFC 8785
   *     escapes
   * @param number the spelling of a number; throws {@link IllegalArgumentException} for one the
   *     form cannot write exactly
   */
  public record Profile(
      JsonStrings.LoneSurrogates loneSurrogates,
      IntPredicate alsoEscape,
      Function<JsonNode, String> number) {}

  /** RFC 8785 as written: refuses what it cannot represent exactly. */
  public static final Profile RFC_8785 =
      new Profile(JsonStrings.LoneSurrogates.REFUSE, c -> false, CanonicalJson::safeInteger);

  private CanonicalJson() {}

  /** The canonical UTF-8 bytes of {@code value} ({@link #RFC_8785}). */
  public static byte[] encode(JsonNode value) {
    return text(value, RFC_8785).getBytes(StandardCharsets.UTF_8);
  }

  /** The canonical text of {@code value} in the form {@code profile} describes. */
  public static String text(JsonNode value, Profile profile) {
    StringBuilder out = new StringBuilder(256);
    write(value, profile, out);
    return out.toString();
  }

  /**
   * Parses a JSON object strictly (no duplicate names, no trailing data) for {@link #isCanonical}
   * and for reading entries.
   *
   * @throws IllegalArgumentException with a safe message if the bytes are not one JSON object
   */
  public static ObjectNode parseObject(byte[] utf8) {
    JsonNode node;
    try {
      node = ObjectMappers.strict().readTree(utf8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "not a single valid JSON value (" + firstLine(e.getMessage()) + ")");
    }
    if (!(node instanceof ObjectNode object)) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return object;
  }

  /** Whether {@code utf8} is one JSON object written exactly in canonical form. */
  public static boolean isCanonical(byte[] utf8) {
    try {
      return MessageDigest.isEqual(encode(parseObject(utf8)), utf8);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void write(JsonNode value, Profile profile, StringBuilder out) {
    switch (value.getNodeType()) {
      case OBJECT -> {
        List<Map.Entry<String, JsonNode>> members = new ArrayList<>(value.properties());
        // String.compareTo orders by UTF-16 code units, as RFC 8785 §3.2.3 requires.
        members.sort(Map.Entry.comparingByKey());
        out.append('{');
        for (int i = 0; i < members.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          string(members.get(i).getKey(), profile, out);
          out.append(':');
          write(members.get(i).getValue(), profile, out);
        }
        out.append('}');
      }
      case ARRAY -> {
        out.append('[');
        for (int i = 0; i < value.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(value.get(i), profile, out);
        }
        out.append(']');
      }
      case STRING -> string(value.textValue(), profile, out);
      case BOOLEAN -> out.append(value.booleanValue());
      case NULL -> out.append("null");
      case NUMBER -> out.append(profile.number().apply(value));
      default ->
          throw new IllegalArgumentException("unsupported JSON value " + value.getNodeType());
    }
  }

  private static void string(String value, Profile profile, StringBuilder out) {
    JsonStrings.appendQuoted(out, value, profile.loneSurrogates(), profile.alsoEscape());
  }

  private static String safeInteger(JsonNode value) {
    if (!value.isIntegralNumber()) {
      throw new IllegalArgumentException(
          "floating-point numbers are not supported in canonical audit JSON");
    }
    BigInteger n = value.bigIntegerValue();
    if (n.abs().compareTo(BigInteger.valueOf(MAX_SAFE_INTEGER)) > 0) {
      throw new IllegalArgumentException(
          "integer " + n + " is outside the exact range of RFC 8785");
    }
    return n.toString();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
