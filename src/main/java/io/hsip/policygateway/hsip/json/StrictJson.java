package io.hsip.policygateway.hsip.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * A strict, bounded JSON reader for hostile input.
 *
 * <p>It accepts exactly RFC 8259 JSON in strict UTF-8 (no BOM, no comments, no NaN, no trailing
 * data), rejects duplicate member names as serde does for structs, and bounds nesting depth,
 * document size, string and number lengths. Every rejection is reported through the caller's
 * exception type with a stable message, so each wire format keeps one exception type
 * (docs/protocol.md#strict-json-input).
 */
public final class StrictJson {

  /**
   * Deepest nesting any HSIP document needs is 3 (reputation evidence); leave headroom, no more.
   */
  public static final int MAX_DEPTH = 8;

  /** Upper bound on a document: the largest UDP payload. */
  public static final int MAX_DOCUMENT_BYTES = 65_535;

  private static final int MAX_STRING_CHARS = 16_384;
  private static final int MAX_NUMBER_CHARS = 32;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH + 1)
                  .maxStringLength(MAX_STRING_CHARS)
                  .maxNumberLength(MAX_NUMBER_CHARS)
                  .maxDocumentLength(MAX_DOCUMENT_BYTES)
                  .build())
          .build();

  private StrictJson() {}

  /**
   * Parses a document whose top level must be an object.
   *
   * @param error makes the caller's exception from a message
   */
  public static <E extends Exception> JsonObject<E> parseObject(
      byte[] utf8, Function<String, E> error) throws E {
    if (utf8.length > MAX_DOCUMENT_BYTES) {
      throw error.apply("JSON document larger than " + MAX_DOCUMENT_BYTES + " bytes");
    }
    String text = decodeUtf8(utf8, error);
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      throw error.apply("JSON document starts with a byte order mark");
    }
    JsonNode root = parse(text, error);
    if (!(root instanceof ObjectNode object)) {
      throw error.apply("top-level JSON value must be an object");
    }
    return new JsonObject<>(object, "", error);
  }

  private static <E extends Exception> String decodeUtf8(byte[] utf8, Function<String, E> error)
      throws E {
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(utf8));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw error.apply("JSON document is not valid UTF-8");
    }
  }

  private static <E extends Exception> JsonNode parse(String text, Function<String, E> error)
      throws E {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw error.apply("empty JSON document");
      }
      JsonNode root = readValue(parser, first, 1, error);
      if (parser.nextToken() != null) {
        throw error.apply(at("trailing data after the JSON value", parser.currentTokenLocation()));
      }
      return root;
    } catch (StreamConstraintsException e) {
      throw error.apply("JSON document exceeds the reader's limits");
    } catch (JsonProcessingException e) {
      throw error.apply(at("malformed JSON", e.getLocation()));
    } catch (NumberFormatException e) {
      // Jackson's number decoding can throw it unchecked; hostile input must never escape as one.
      throw error.apply("malformed JSON: unreadable number");
    } catch (IOException e) {
      // Reading from an in-memory string performs no I/O; treat it like malformed input.
      throw error.apply("malformed JSON");
    }
  }

  private static <E extends Exception> JsonNode readValue(
      JsonParser parser,
      @org.jspecify.annotations.Nullable JsonToken token,
      int depth,
      Function<String, E> error)
      throws IOException, E {
    if (token == null) {
      throw error.apply("malformed JSON: unexpected end of document");
    }
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    return switch (token) {
      case START_OBJECT -> readObject(parser, depth, error);
      case START_ARRAY -> readArray(parser, depth, error);
      case VALUE_STRING -> nodes.textNode(parser.getText());
      case VALUE_NUMBER_INT -> nodes.numberNode(parser.getBigIntegerValue());
      // No HSIP field is fractional and callers reject any with a typed message, so the value need
      // not be exact; a double also copes with exponents such as 1e31880000000, which BigDecimal
      // refuses.
      case VALUE_NUMBER_FLOAT -> nodes.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> nodes.booleanNode(true);
      case VALUE_FALSE -> nodes.booleanNode(false);
      case VALUE_NULL -> nodes.nullNode();
      default -> throw error.apply(at("malformed JSON", parser.currentTokenLocation()));
    };
  }

  private static <E extends Exception> ObjectNode readObject(
      JsonParser parser, int depth, Function<String, E> error) throws IOException, E {
    checkDepth(depth, error);
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    JsonToken next;
    while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      if (object.has(name)) {
        throw error.apply("duplicate field `" + printable(name) + "`");
      }
      object.set(name, readValue(parser, parser.nextToken(), depth + 1, error));
    }
    if (next != JsonToken.END_OBJECT) {
      throw error.apply(at("malformed JSON", parser.currentTokenLocation()));
    }
    return object;
  }

  private static <E extends Exception> ArrayNode readArray(
      JsonParser parser, int depth, Function<String, E> error) throws IOException, E {
    checkDepth(depth, error);
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    JsonToken next;
    while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (next == null) {
        throw error.apply("malformed JSON");
      }
      array.add(readValue(parser, next, depth + 1, error));
    }
    return array;
  }

  private static <E extends Exception> void checkDepth(int depth, Function<String, E> error)
      throws E {
    if (depth > MAX_DEPTH) {
      throw error.apply("JSON nesting deeper than " + MAX_DEPTH + " levels");
    }
  }

  private static String at(String what, JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return what;
    }
    return what + " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  /** Field names are attacker-chosen: show at most 64 printable characters of them. */
  static String printable(String name) {
    StringBuilder out = new StringBuilder(Math.min(name.length(), 64) + 3);
    for (int i = 0; i < name.length() && i < 64; i++) {
      char c = name.charAt(i);
      out.append(c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? '?' : c);
    }
    if (name.length() > 64) {
      out.append("...");
    }
    return out.toString();
  }
}
