package io.hsip.policygateway.hsip.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hsip.policygateway.hsip.Vectors;
import io.hsip.policygateway.hsip.crypto.Edwards25519.ExpandedKey;
import io.hsip.policygateway.hsip.crypto.Edwards25519.Point;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.InvalidKeyException;
import io.hsip.policygateway.hsip.keys.InvalidSignatureException;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Strict Ed25519 (docs/protocol.md#lenient-ed25519): every hostile key and signature here is
 * computed in the test with independent {@link Edwards25519} arithmetic, never mocked, and each is
 * shown to be accepted by some weaker verifier before it is shown to be rejected by ours.
 */
class Ed25519StrictTest {

  private static final HexFormat HEX = HexFormat.of();

  /** The vectors' requester seed (identity.requester). */
  private static final byte[] SEED = Vectors.hex("identity.requester.inputs.ed25519_seed_hex");

  private static final String NOT_PRIME_ORDER =
      "public key is not a valid Ed25519 point of prime order";
  private static final String DOES_NOT_VERIFY = "signature does not verify";
  private static final List<byte[]> MESSAGES =
      List.of(
          new byte[0],
          "CONSENT_REQUEST|v=1".getBytes(StandardCharsets.UTF_8),
          "strictness".getBytes(StandardCharsets.UTF_8),
          "HELLO|mixed-order R".getBytes(StandardCharsets.UTF_8),
          new byte[] {0x72},
          new byte[] {(byte) 0xaf, (byte) 0x82});

  private static ExpandedKey expanded;
  private static Ed25519PublicKey publicKey;
  private static Point torsion8;

  @BeforeAll
  static void keys() throws InvalidKeyException {
    expanded = ExpandedKey.of(SEED);
    publicKey = Ed25519PublicKey.create(expanded.publicPoint().encode());
    torsion8 = Edwards25519.torsionGenerator();
  }

  // ---- the yardstick itself ----

  @Test
  void edwards25519_reproducesBouncyCastleKeysAndSignatures() {
    SigningKey key = SigningKey.fromSeed(SEED);
    assertThat(expanded.publicPoint().encode()).isEqualTo(key.publicKey().toBytes());
    for (byte[] m : MESSAGES) {
      assertThat(expanded.sign(m)).isEqualTo(key.sign(m));
    }
    assertThat(Edwards25519.BASE.hasPrimeOrder()).isTrue();
    assertThat(expanded.publicPoint().hasPrimeOrder()).isTrue();
  }

  @Test
  void edwards25519_torsionHasEightDistinctSmallOrderPoints() {
    assertThat(torsion8.multiply(4).isIdentity()).isFalse();
    assertThat(torsion8.multiply(8).isIdentity()).isTrue();
    Set<String> encodings = new LinkedHashSet<>();
    for (byte[] e : smallOrderEncodings()) {
      encodings.add(HEX.formatHex(e));
    }
    // The well-known list (e.g. "Taming the many EdDSAs", Table 6): canonical encodings of the
    // torsion.
    assertThat(encodings)
        .containsExactlyInAnyOrder(
            "0100000000000000000000000000000000000000000000000000000000000000",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000080",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85");
  }

  // ---- (a) public keys ----

  @Test
  void create_rejectsEachOfTheEightSmallOrderEncodings() {
    List<byte[]> encodings = smallOrderEncodings();
    assertThat(encodings).hasSize(8);
    for (byte[] encoded : encodings) {
      assertThat(Edwards25519.decodeStrict(encoded)).as(HEX.formatHex(encoded)).isNotNull();
      assertThatThrownBy(() -> Ed25519PublicKey.create(encoded))
          .as(HEX.formatHex(encoded))
          .isInstanceOf(InvalidKeyException.class)
          .hasMessage(NOT_PRIME_ORDER);
    }
  }

  @Test
  void create_rejectsEveryNonCanonicalEncoding() {
    // y in [p, 2^255 - 1], both sign bits (38 encodings), plus "-0" for the two x = 0 points.
    List<byte[]> encodings = new ArrayList<>();
    int decodableLeniently = 0;
    for (int t = 0; t < 19; t++) {
      for (int sign = 0; sign < 2; sign++) {
        byte[] e = Edwards25519.encode(Edwards25519.P.add(BigInteger.valueOf(t)), sign);
        encodings.add(e);
        if (Edwards25519.decodeLenient(e) != null) {
          decodableLeniently++;
        }
        assertThat(Edwards25519.decodeStrict(e)).isNull();
      }
    }
    encodings.add(Edwards25519.encode(BigInteger.ONE, 1));
    encodings.add(Edwards25519.encode(Edwards25519.P.subtract(BigInteger.ONE), 1));
    // Most of them are points once y is reduced: a lenient decoder would accept them as keys.
    assertThat(decodableLeniently).isEqualTo(24);
    for (byte[] encoded : encodings) {
      assertThatThrownBy(() -> Ed25519PublicKey.create(encoded))
          .as(HEX.formatHex(encoded))
          .isInstanceOf(InvalidKeyException.class)
          .hasMessage(NOT_PRIME_ORDER);
    }
  }

  @Test
  void create_rejectsMixedOrderKeys() {
    for (int k = 1; k < 8; k++) {
      Point mixed = expanded.publicPoint().add(torsion8.multiply(k));
      assertThat(mixed.hasSmallOrder()).isFalse();
      assertThat(mixed.hasPrimeOrder()).isFalse();
      byte[] encoded = mixed.encode();
      assertThatThrownBy(() -> Ed25519PublicKey.create(encoded))
          .as("A + [%d]T8", k)
          .isInstanceOf(InvalidKeyException.class)
          .hasMessage(NOT_PRIME_ORDER);
    }
  }

  @Test
  void create_rejectsWrongLengthsAndOffCurveBytes() throws InvalidKeyException {
    assertThatThrownBy(() -> Ed25519PublicKey.create(new byte[31]))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessage("public key must be 32 bytes, got 31");
    // y = 2 has no x on the curve.
    byte[] offCurve = Edwards25519.encode(BigInteger.TWO, 0);
    assertThat(Edwards25519.decodeStrict(offCurve)).isNull();
    assertThatThrownBy(() -> Ed25519PublicKey.create(offCurve)).hasMessage(NOT_PRIME_ORDER);
    assertThat(Ed25519PublicKey.create(expanded.publicPoint().encode()).hex())
        .isEqualTo(Vectors.text("identity.requester.ed25519_public_key_hex"));
  }

  // ---- (b) S >= L ----

  @Test
  void verify_rejectsSPlusL() throws InvalidSignatureException {
    for (byte[] m : MESSAGES) {
      byte[] valid = expanded.sign(m);
      publicKey.verify(m, valid);
      byte[] malleated =
          Edwards25519.signature(
              Arrays.copyOf(valid, 32), Edwards25519.sOf(valid).add(Edwards25519.L));
      // The equation alone cannot tell S from S + L: only the range check can.
      assertThat(Edwards25519.verifyLenientCofactorless(publicKey.toBytes(), m, malleated))
          .isTrue();
      assertThatThrownBy(() -> publicKey.verify(m, malleated))
          .isInstanceOf(InvalidSignatureException.class)
          .hasMessage(DOES_NOT_VERIFY);
      assertThat(bouncyCastleVerify(publicKey.toBytes(), m, malleated)).isFalse();
    }
  }

  @Test
  void verify_rejectsSAtTheTopOfTheRange() {
    byte[] m = MESSAGES.get(1);
    byte[] valid = expanded.sign(m);
    for (BigInteger s :
        List.of(
            Edwards25519.L,
            Edwards25519.L.add(BigInteger.ONE),
            BigInteger.TWO.pow(253),
            BigInteger.TWO.pow(256).subtract(BigInteger.ONE))) {
      byte[] sig = Edwards25519.signature(Arrays.copyOf(valid, 32), s);
      assertThatThrownBy(() -> publicKey.verify(m, sig))
          .as("S = %s", s)
          .hasMessage(DOES_NOT_VERIFY);
    }
  }

  // ---- (c) mixed-order R ----

  @Test
  void verify_rejectsMixedOrderROfOrder8And2() {
    int bouncyCastleAccepted = 0;
    int cases = 0;
    // T of order 8 (k odd), 4 (k = 2, 6) and 2 (k = 4).
    for (int k = 1; k < 8; k++) {
      Point t = torsion8.multiply(k);
      for (byte[] m : MESSAGES) {
        byte[] forged = mixedOrderSignature(m, t);
        cases++;
        assertThat(Edwards25519.verifyCofactored(publicKey.toBytes(), m, forged))
            .as("cofactored verifier accepts R + [%d]T8", k)
            .isTrue();
        assertThat(Edwards25519.verifyCofactorless(publicKey.toBytes(), m, forged))
            .as("cofactorless verifier rejects R + [%d]T8", k)
            .isFalse();
        assertThatThrownBy(() -> publicKey.verify(m, forged))
            .as("ours rejects R + [%d]T8 on %s", k, HEX.formatHex(m))
            .isInstanceOf(InvalidSignatureException.class)
            .hasMessage(DOES_NOT_VERIFY);
        if (bouncyCastleVerify(publicKey.toBytes(), m, forged)) {
          bouncyCastleAccepted++;
        }
      }
    }
    // Observation, kept as an assertion so a BouncyCastle upgrade that changes it is noticed:
    // BouncyCastle 1.87's Ed25519.verify is cofactored (it clears the cofactor 8 after its Straus
    // multiplication), so on its own it accepts every one of these. Only our explicit check that R
    // lies in the prime-order subgroup rejects them.
    assertThat(bouncyCastleAccepted).isEqualTo(cases);
  }

  // ---- (d) small-order and non-canonical R ----

  @Test
  void verify_rejectsIdentityR() {
    // R = O and S = k a satisfy [S]B = R + [k]A exactly: accepted by cofactorless and cofactored
    // verifiers.
    for (byte[] m : MESSAGES) {
      byte[] forged = signatureWithR(Edwards25519.IDENTITY.encode(), m);
      assertThat(Edwards25519.verifyCofactorless(publicKey.toBytes(), m, forged)).isTrue();
      assertThatThrownBy(() -> publicKey.verify(m, forged)).hasMessage(DOES_NOT_VERIFY);
      // Observation: BouncyCastle alone accepts a small-order R; verify_strict and ours do not.
      assertThat(bouncyCastleVerify(publicKey.toBytes(), m, forged)).isTrue();
    }
  }

  @Test
  void verify_rejectsNonCanonicalR() {
    List<byte[]> encodingsOfIdentity =
        List.of(
            Edwards25519.encode(Edwards25519.P.add(BigInteger.ONE), 0), // y = p + 1
            Edwards25519.encode(Edwards25519.P.add(BigInteger.ONE), 1), // y = p + 1, "-0"
            Edwards25519.encode(BigInteger.ONE, 1)); // y = 1, "-0"
    for (byte[] r : encodingsOfIdentity) {
      assertThat(Edwards25519.decodeStrict(r)).isNull();
      assertThat(Edwards25519.decodeLenient(r)).isEqualTo(Edwards25519.IDENTITY);
      for (byte[] m : MESSAGES) {
        byte[] forged = signatureWithR(r, m);
        assertThat(Edwards25519.verifyLenientCofactorless(publicKey.toBytes(), m, forged))
            .as("a lenient decoder accepts R = %s", HEX.formatHex(r))
            .isTrue();
        assertThatThrownBy(() -> publicKey.verify(m, forged))
            .as("R = %s", HEX.formatHex(r))
            .hasMessage(DOES_NOT_VERIFY);
        // BouncyCastle refuses non-canonical R by itself.
        assertThat(bouncyCastleVerify(publicKey.toBytes(), m, forged)).isFalse();
      }
    }
  }

  @Test
  void verify_rejectsEverySmallOrderR() {
    byte[] m = MESSAGES.get(2);
    for (byte[] r : smallOrderEncodings()) {
      // S = k a: [8][S]B = [8][k]A = [8]R + [8][k]A because [8]R = O, so the cofactored check
      // passes.
      byte[] forged = signatureWithR(r, m);
      assertThat(Edwards25519.verifyCofactored(publicKey.toBytes(), m, forged))
          .as(HEX.formatHex(r))
          .isTrue();
      assertThatThrownBy(() -> publicKey.verify(m, forged))
          .as(HEX.formatHex(r))
          .hasMessage(DOES_NOT_VERIFY);
      assertThat(bouncyCastleVerify(publicKey.toBytes(), m, forged))
          .as("BouncyCastle alone, R = %s", HEX.formatHex(r))
          .isTrue();
    }
  }

  // ---- (e) RFC 8032 ----

  @Test
  void verify_rfc8032TestVectors1To3()
      throws IOException, InvalidKeyException, InvalidSignatureException {
    JsonNode vectors;
    try (InputStream in = getClass().getResourceAsStream("/hsip/vectors/rfc8032-ed25519.json")) {
      vectors = new ObjectMapper().readTree(in).get("vectors");
    }
    assertThat(vectors).hasSize(3);
    for (JsonNode v : vectors) {
      byte[] seed = HEX.parseHex(v.get("secret_key_hex").textValue());
      byte[] message = HEX.parseHex(v.get("message_hex").textValue());
      byte[] signature = HEX.parseHex(v.get("signature_hex").textValue());
      SigningKey key = SigningKey.fromSeed(seed);
      assertThat(key.publicKey().hex())
          .as(v.get("name").textValue())
          .isEqualTo(v.get("public_key_hex").textValue());
      assertThat(key.sign(message)).as(v.get("name").textValue()).isEqualTo(signature);
      assertThat(ExpandedKey.of(seed).sign(message)).isEqualTo(signature);
      Ed25519PublicKey.create(HEX.parseHex(v.get("public_key_hex").textValue()))
          .verify(message, signature);
      byte[] flipped = signature.clone();
      flipped[5] ^= 0x01;
      assertThatThrownBy(() -> key.publicKey().verify(message, flipped))
          .hasMessage(DOES_NOT_VERIFY);
    }
  }

  // ---- construction of the hostile signatures ----

  /** The eight torsion points, canonically encoded. */
  private static List<byte[]> smallOrderEncodings() {
    List<byte[]> out = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      Point p = torsion8.multiply(k);
      assertThat(p.hasSmallOrder()).isTrue();
      out.add(p.encode());
    }
    return out;
  }

  /**
   * A signature with R' = R + T that satisfies the cofactored equation: R = [r]B from the RFC 8032
   * nonce, k' = SHA-512(R' || A || M) mod L and S' = r + k' a mod L, so [S']B = R' - T + [k']A.
   */
  private static byte[] mixedOrderSignature(byte[] message, Point t) {
    BigInteger r = expanded.nonce(message);
    Point mixedR = Edwards25519.BASE.multiply(r).add(t);
    byte[] encodedR = mixedR.encode();
    BigInteger k = Edwards25519.challenge(encodedR, expanded.publicPoint().encode(), message);
    return Edwards25519.signature(encodedR, expanded.response(r, k));
  }

  /**
   * A signature whose R encodes the identity (however spelled): S = k a, so [S]B = [k]A = O + [k]A.
   */
  private static byte[] signatureWithR(byte[] encodedR, byte[] message) {
    BigInteger k = Edwards25519.challenge(encodedR, expanded.publicPoint().encode(), message);
    return Edwards25519.signature(encodedR, expanded.response(BigInteger.ZERO, k));
  }

  private static boolean bouncyCastleVerify(byte[] pk, byte[] message, byte[] signature) {
    return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
        signature, 0, pk, 0, message, 0, message.length);
  }
}
