package io.hsip.policygateway.hsip.transparency;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsip.policygateway.hsip.json.JsonStrings;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme for the values audit entries and bundle manifests use: objects,
 * arrays, strings, booleans, null and integers in the IEEE-754 exact range (|n| &le; 2^53 - 1, which ES6
 * serialises as plain decimals). Floating-point numbers are refused rather than approximated, so every
 * accepted value has exactly one byte sequence.
 *
 * <p>Members are sorted by their names' UTF-16 code units (RFC 8785 §3.2.3); strings escape only {@code "},
 * {@code \}, and the control characters ({@code \b \f \n \r \t} by name, the rest as lowercase {@code
 * \\u00xx}); everything else is written as UTF-8 (§3.2.2.2).
 */
public final class CanonicalJson {

  /** Largest integer magnitude JCS can represent exactly. */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .disable(JsonParser.Feature.ALLOW_COMMENTS)
          .build();

  private CanonicalJson() {}

  /** The canonical UTF-8 bytes of {@code value}. */
  public static byte[] encode(JsonNode value) {
    StringBuilder out = new StringBuilder(256);
    write(value, out);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses a JSON object strictly (no duplicate names, no trailing data) for {@link #isCanonical} and for
   * reading entries.
   *
   * @throws IllegalArgumentException with a safe message if the bytes are not one JSON object
   */
  public static ObjectNode parseObject(byte[] utf8) {
    JsonNode node;
    try {
      node = STRICT.readTree(utf8);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a single valid JSON value (" + firstLine(e.getMessage()) + ")");
    }
    if (!(node instanceof ObjectNode object)) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return object;
  }

  /** Whether {@code utf8} is one JSON object written exactly in canonical form. */
  public static boolean isCanonical(byte[] utf8) {
    try {
      return java.security.MessageDigest.isEqual(encode(parseObject(utf8)), utf8);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void write(JsonNode value, StringBuilder out) {
    switch (value.getNodeType()) {
      case OBJECT -> {
        List<Map.Entry<String, JsonNode>> members = new ArrayList<>(value.properties());
        members.sort(Map.Entry.comparingByKey());
        out.append('{');
        for (int i = 0; i < members.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          string(members.get(i).getKey(), out);
          out.append(':');
          write(members.get(i).getValue(), out);
        }
        out.append('}');
      }
      case ARRAY -> {
        out.append('[');
        for (int i = 0; i < value.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(value.get(i), out);
        }
        out.append(']');
      }
      case STRING -> string(value.textValue(), out);
      case BOOLEAN -> out.append(value.booleanValue());
      case NULL -> out.append("null");
      case NUMBER -> {
        if (!value.isIntegralNumber()) {
          throw new IllegalArgumentException("floating-point numbers are not supported in canonical audit JSON");
        }
        BigInteger n = value.bigIntegerValue();
        if (n.abs().compareTo(BigInteger.valueOf(MAX_SAFE_INTEGER)) > 0) {
          throw new IllegalArgumentException("integer " + n + " is outside the exact range of RFC 8785");
        }
        out.append(n);
      }
      default -> throw new IllegalArgumentException("unsupported JSON value " + value.getNodeType());
    }
  }

  private static void string(String value, StringBuilder out) {
    JsonStrings.appendQuoted(out, value, JsonStrings.LoneSurrogates.REFUSE);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
