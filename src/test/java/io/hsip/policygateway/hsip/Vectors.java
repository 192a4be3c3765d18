package io.hsip.policygateway.hsip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Reads the known-answer vectors ({@code src/test/resources/hsip/vectors/hsip-test-vectors.json})
 * by dotted path, e.g. {@code consent.request.inputs.ts_ms}. Tests that use the vectors take every
 * input and every expected value from here, so they hold for any consistent vector set generated
 * the same way.
 */
public final class Vectors {

  private static final JsonNode ROOT = load();

  private Vectors() {}

  /** The node at a dotted path; fails when the vector set lacks it. */
  public static JsonNode node(String path) {
    JsonNode node = ROOT;
    for (String part : path.split("\\.", -1)) {
      node = node.get(part);
      if (node == null) {
        throw new IllegalArgumentException("no vector field " + path);
      }
    }
    return node;
  }

  /** A string field, exactly as stored. */
  public static String text(String path) {
    JsonNode node = node(path);
    if (!node.isTextual()) {
      throw new IllegalArgumentException("vector field " + path + " is not a string");
    }
    return node.textValue();
  }

  /** A string field as UTF-8 bytes: the wire form of a vector document. */
  public static byte[] utf8(String path) {
    return text(path).getBytes(StandardCharsets.UTF_8);
  }

  /** A lowercase hex field, decoded. */
  public static byte[] hex(String path) {
    return HexFormat.of().parseHex(text(path));
  }

  /** An integral number field. */
  public static long number(String path) {
    JsonNode node = node(path);
    if (!node.isIntegralNumber()) {
      throw new IllegalArgumentException("vector field " + path + " is not an integer");
    }
    return node.longValue();
  }

  /**
   * The Ed25519 key of {@code identity.<who>} ({@code requester} or {@code responder}), from its
   * seed.
   */
  public static SigningKey key(String who) {
    return SigningKey.fromSeed(hex("identity." + who + ".inputs.ed25519_seed_hex"));
  }

  private static JsonNode load() {
    try (InputStream in =
        Vectors.class.getResourceAsStream("/hsip/vectors/hsip-test-vectors.json")) {
      if (in == null) {
        throw new IllegalStateException(
            "hsip/vectors/hsip-test-vectors.json is not on the test class path");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
