package io.hsip.policygateway.hsip;

import io.hsip.policygateway.hsip.keys.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the static strict-parser fixtures under {@code src/test/resources/hsip/fixtures/<format>/}:
 * one {@code valid_*} file per accepted shape and one {@code error_<rule>.*} file per structural
 * rule, each differing from a valid fixture in that one rule, so each test proves exactly one
 * check.
 *
 * <p>The fixtures are static files built once from the known-answer keys of {@code
 * hsip-test-vectors.json} (Ed25519 seeds {@code 01..20}, the requester, and {@code 21..40}, the
 * responder); nothing is generated at test time. Binary datagrams are stored as lowercase hex text
 * ({@code .hex}), one datagram per line.
 */
public final class Fixtures {

  /**
   * The requester of the vectors: Ed25519 seed {@code 0102..20}, PeerID {@code
   * I4MLJTQWUZ66GBMNYEP75Z2QSD}.
   */
  public static final SigningKey REQUESTER =
      SigningKey.fromSeed(
          HexFormat.of()
              .parseHex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"));

  /**
   * The responder of the vectors: Ed25519 seed {@code 2122..40}, PeerID {@code
   * DW3C3OQDGHS4Z6ZGMG4UWWSML3}.
   */
  public static final SigningKey RESPONDER =
      SigningKey.fromSeed(
          HexFormat.of()
              .parseHex("2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40"));

  private Fixtures() {}

  /** The exact bytes of a fixture. */
  public static byte[] bytes(String format, String name) {
    try (InputStream in = url(format, name).openStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fixture as UTF-8 text, exactly as stored. */
  public static String text(String format, String name) {
    return new String(bytes(format, name), StandardCharsets.UTF_8);
  }

  /** A single-datagram {@code .hex} fixture, decoded. */
  public static byte[] hex(String format, String name) {
    List<byte[]> datagrams = hexLines(format, name);
    if (datagrams.size() != 1) {
      throw new IllegalStateException(
          name + " holds " + datagrams.size() + " datagrams, expected 1");
    }
    return datagrams.get(0);
  }

  /** A {@code .hex} fixture holding a sequence of datagrams, one per line, decoded. */
  public static List<byte[]> hexLines(String format, String name) {
    List<byte[]> out = new ArrayList<>();
    text(format, name)
        .lines()
        .filter(line -> !line.isBlank())
        .forEach(line -> out.add(HexFormat.of().parseHex(line.strip())));
    return out;
  }

  /** The file system path of a fixture, for APIs that read files themselves. */
  public static Path path(String format, String name) {
    try {
      return Path.of(url(format, name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static URL url(String format, String name) {
    String resource = "/hsip/fixtures/" + format + "/" + name;
    URL url = Fixtures.class.getResource(resource);
    if (url == null) {
      throw new IllegalArgumentException("no fixture " + resource);
    }
    return url;
  }
}
