package io.hsip.policygateway.hsip.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hsip.policygateway.hsip.crypto.Edwards25519.Point;
import io.hsip.policygateway.hsip.session.Handshake;
import io.hsip.policygateway.hsip.session.HandshakeException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * X25519 refuses small-order peer values (the all-zero shared secret they force), and the handshake
 * turns that into an exact error on both sides. The small-order u-coordinates are derived in the
 * test from the edwards25519 torsion through the birational map {@code u = (1 + y) / (1 - y)}, not
 * copied from a list.
 */
class X25519Test {

  private static final HexFormat HEX = HexFormat.of();
  private static final String SMALL_ORDER =
      "peer X25519 value has small order (all-zero shared secret)";
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void agree_rfc7748Section61() throws IOException {
    JsonNode v;
    try (InputStream in = getClass().getResourceAsStream("/hsip/vectors/rfc7748-x25519.json")) {
      v = new ObjectMapper().readTree(in);
    }
    byte[] alice = HEX.parseHex(v.get("alice_private_hex").textValue());
    byte[] bob = HEX.parseHex(v.get("bob_private_hex").textValue());
    assertThat(HEX.formatHex(X25519.publicValue(alice)))
        .isEqualTo(v.get("alice_public_hex").textValue());
    assertThat(HEX.formatHex(X25519.publicValue(bob)))
        .isEqualTo(v.get("bob_public_hex").textValue());
    assertThat(HEX.formatHex(X25519.agree(alice, X25519.publicValue(bob))))
        .isEqualTo(v.get("shared_secret_hex").textValue());
    assertThat(HEX.formatHex(X25519.agree(bob, X25519.publicValue(alice))))
        .isEqualTo(v.get("shared_secret_hex").textValue());
  }

  @Test
  void smallOrderValues_matchTheWellKnownList() {
    Set<String> canonical = new LinkedHashSet<>();
    for (byte[] u : smallOrderValues()) {
      if (Edwards25519.fromLittleEndian(u).compareTo(Edwards25519.P) < 0) {
        canonical.add(HEX.formatHex(u));
      }
    }
    assertThat(canonical)
        .containsExactlyInAnyOrder(
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
  }

  @Test
  void agree_returnsNullForEverySmallOrderValue() {
    for (byte[] u : smallOrderValues()) {
      for (int i = 0; i < 4; i++) {
        byte[] secret = X25519.generatePrivate(RANDOM);
        assertThat(X25519.agree(secret, u)).as(HEX.formatHex(u)).isNull();
      }
    }
  }

  @Test
  void agree_returnsNullForWrongLengths() {
    byte[] secret = X25519.generatePrivate(RANDOM);
    assertThat(X25519.agree(secret, new byte[31])).isNull();
    assertThat(X25519.agree(new byte[33], X25519.publicValue(secret))).isNull();
  }

  @Test
  void respond_failsOnSmallOrderE1() {
    for (byte[] u : smallOrderValues()) {
      byte[] e1 = message(Handshake.E1, u);
      assertThatThrownBy(() -> Handshake.respond(e1, RANDOM))
          .as(HEX.formatHex(e1))
          .isInstanceOf(HandshakeException.class)
          .hasMessage(SMALL_ORDER);
    }
  }

  @Test
  void finish_failsOnSmallOrderE2() {
    for (byte[] u : smallOrderValues()) {
      Handshake.Initiator initiator = Handshake.Initiator.start(RANDOM);
      byte[] e2 = message(Handshake.E2, u);
      assertThatThrownBy(() -> initiator.finish(e2))
          .as(HEX.formatHex(e2))
          .isInstanceOf(HandshakeException.class)
          .hasMessage(SMALL_ORDER);
    }
  }

  @Test
  void respond_allZeroE1IsTheReferenceAttack() {
    // The cheapest small-order value: 32 zero bytes after the tag.
    assertThatThrownBy(() -> Handshake.respond(message(Handshake.E1, new byte[32]), RANDOM))
        .isInstanceOf(HandshakeException.class)
        .hasMessage(SMALL_ORDER);
  }

  /**
   * Every u that forces an all-zero secret: the images of the seven non-neutral edwards25519
   * torsion points (four distinct values: u = 0, u = 1 and two of order 8), u = p - 1 (order 4 on
   * the twist), their non-canonical spellings u + p where that fits in 255 bits, and all of them
   * with bit 255 set (RFC 7748 masks it).
   */
  private static List<byte[]> smallOrderValues() {
    BigInteger p = Edwards25519.P;
    Set<BigInteger> us = new LinkedHashSet<>();
    Point t = Edwards25519.torsionGenerator();
    for (int k = 1; k < 8; k++) {
      BigInteger y = t.multiply(k).y();
      us.add(
          BigInteger.ONE.add(y).multiply(BigInteger.ONE.subtract(y).mod(p).modInverse(p)).mod(p));
    }
    us.add(p.subtract(BigInteger.ONE));
    List<BigInteger> all = new ArrayList<>(us);
    for (BigInteger u : us) {
      if (u.add(p).bitLength() <= 255) {
        all.add(u.add(p));
      }
    }
    List<byte[]> out = new ArrayList<>();
    for (BigInteger u : all) {
      byte[] encoded = Edwards25519.littleEndian(u, 32);
      out.add(encoded);
      byte[] highBit = encoded.clone();
      highBit[31] |= (byte) 0x80;
      out.add(highBit);
    }
    return out;
  }

  private static byte[] message(byte tag, byte[] value) {
    byte[] out = new byte[Handshake.MESSAGE_LENGTH];
    out[0] = tag;
    System.arraycopy(value, 0, out, 1, value.length);
    return out;
  }
}
