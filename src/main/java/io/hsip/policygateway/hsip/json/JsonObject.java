package io.hsip.policygateway.hsip.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Typed, strict access to the members of one parsed JSON object.
 *
 * <p>Semantics follow serde's derived deserialisers: unknown members are ignored, a missing member
 * or a member of the wrong JSON type is an error. Messages name the member with its path, for
 * example {@code missing field `purpose`} or {@code field `ttl_ms` must be a non-negative integer}.
 *
 * @param <E> the exception type of the wire format being parsed
 */
public final class JsonObject<E extends Exception> {

  private static final BigInteger MAX_U64_ACCEPTED = BigInteger.valueOf(Long.MAX_VALUE);

  private final ObjectNode node;
  private final String path;
  private final Function<String, E> error;

  JsonObject(ObjectNode node, String path, Function<String, E> error) {
    this.node = node;
    this.path = path;
    this.error = error;
  }

  /** Whether the member is present (even if {@code null}). */
  public boolean has(String name) {
    return node.has(name);
  }

  /** A required string member; rejects strings with unpaired surrogate escapes. */
  public String string(String name) throws E {
    JsonNode value = required(name);
    if (!value.isTextual()) {
      throw error.apply("field `" + path + name + "` must be a string");
    }
    return checkedText(name, value.textValue());
  }

  /**
   * A string member that may be {@code null}. It must be present: stricter than serde, which reads
   * a missing {@code Option} as {@code None}; the reference always writes the member, so honest
   * input passes.
   */
  public @Nullable String nullableString(String name) throws E {
    JsonNode value = required(name);
    if (value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw error.apply("field `" + path + name + "` must be a string or null");
    }
    return checkedText(name, value.textValue());
  }

  /**
   * A required unsigned integer member. Values above {@code 2^63-1} are rejected: no HSIP quantity
   * (milliseconds, versions, weights) can meaningfully reach them.
   */
  public long unsigned(String name) throws E {
    BigInteger value = integer(name, "a non-negative integer");
    if (value.signum() < 0) {
      throw error.apply("field `" + path + name + "` must be a non-negative integer");
    }
    if (value.compareTo(MAX_U64_ACCEPTED) > 0) {
      throw error.apply("field `" + path + name + "` is out of range");
    }
    return value.longValue();
  }

  /** A required signed 32-bit integer member. */
  public int int32(String name) throws E {
    BigInteger value = integer(name, "an integer");
    if (value.bitLength() > 31) {
      throw error.apply("field `" + path + name + "` is out of range");
    }
    return value.intValue();
  }

  /** A required array-of-strings member. */
  public List<String> stringArray(String name) throws E {
    JsonNode value = required(name);
    if (!(value instanceof ArrayNode array)) {
      throw error.apply("field `" + path + name + "` must be an array of strings");
    }
    List<String> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode element = array.get(i);
      if (!element.isTextual()) {
        throw error.apply("field `" + path + name + "` must be an array of strings");
      }
      out.add(checkedText(name + "[" + i + "]", element.textValue()));
    }
    return List.copyOf(out);
  }

  /** A required array-of-objects member. */
  public List<JsonObject<E>> objectArray(String name) throws E {
    JsonNode value = required(name);
    if (!(value instanceof ArrayNode array)) {
      throw error.apply("field `" + path + name + "` must be an array of objects");
    }
    List<JsonObject<E>> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.get(i) instanceof ObjectNode element)) {
        throw error.apply("field `" + path + name + "` must be an array of objects");
      }
      out.add(new JsonObject<>(element, path + name + "[" + i + "].", error));
    }
    return List.copyOf(out);
  }

  private BigInteger integer(String name, String expected) throws E {
    JsonNode value = required(name);
    if (!value.isIntegralNumber()) {
      throw error.apply("field `" + path + name + "` must be " + expected);
    }
    return value.bigIntegerValue();
  }

  private JsonNode required(String name) throws E {
    JsonNode value = node.get(name);
    if (value == null) {
      throw error.apply("missing field `" + path + name + "`");
    }
    return value;
  }

  private String checkedText(String name, String text) throws E {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw error.apply("field `" + path + name + "` contains an unpaired surrogate");
      }
    }
    return text;
  }
}
