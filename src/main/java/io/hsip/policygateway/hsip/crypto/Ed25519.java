package io.hsip.policygateway.hsip.crypto;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint;

/**
 * Ed25519 (RFC 8032) with <em>strict</em> verification.
 *
 * <p>Security guarantees: {@link #decodePublicKey} accepts only canonical encodings of points in
 * the prime-order subgroup (so small-order and mixed-order keys are rejected); {@link #verify}
 * additionally rejects non-canonical {@code S} (S &ge; L), non-canonical {@code R} encodings and
 * {@code R} outside the prime-order subgroup. Every signature made by an honest RFC 8032 signer
 * passes, and everything {@code ed25519-dalek}'s {@code verify_strict} rejects is rejected too.
 */
public final class Ed25519 {

  /** Length of a seed (the stored private key) in bytes. */
  public static final int SEED_LENGTH = 32;

  /** Length of an encoded public key in bytes. */
  public static final int PUBLIC_KEY_LENGTH = 32;

  /** Length of a signature in bytes. */
  public static final int SIGNATURE_LENGTH = 64;

  private Ed25519() {}

  /** A validated, decoded public key; decoding once lets every later verification skip it. */
  public static final class DecodedPublicKey {
    private final PublicPoint point;

    private DecodedPublicKey(PublicPoint point) {
      this.point = point;
    }
  }

  /** A fresh random seed. */
  public static byte[] generateSeed(SecureRandom random) {
    byte[] seed = new byte[SEED_LENGTH];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePrivateKey(random, seed);
    return seed;
  }

  /** The public key of a 32-byte seed. */
  public static byte[] publicKey(byte[] seed) {
    requireLength(seed, SEED_LENGTH, "seed");
    byte[] pk = new byte[PUBLIC_KEY_LENGTH];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, pk, 0);
    return pk;
  }

  /** Deterministic signature of {@code message} with the key of {@code seed}. */
  public static byte[] sign(byte[] seed, byte[] message) {
    requireLength(seed, SEED_LENGTH, "seed");
    byte[] sig = new byte[SIGNATURE_LENGTH];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, message, 0, message.length, sig, 0);
    return sig;
  }

  /**
   * Decodes and fully validates a public key.
   *
   * @return the decoded key, or {@code null} when the bytes are not a canonical point of the
   *     prime-order subgroup
   */
  public static @org.jspecify.annotations.Nullable DecodedPublicKey decodePublicKey(
      byte[] encoded) {
    if (encoded.length != PUBLIC_KEY_LENGTH) {
      return null;
    }
    PublicPoint point =
        org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFullExport(encoded, 0);
    return point == null ? null : new DecodedPublicKey(point);
  }

  /**
   * Strictly verifies a signature.
   *
   * @return whether {@code signature} is a valid strict signature of {@code message} under {@code
   *     key}
   */
  public static boolean verify(DecodedPublicKey key, byte[] message, byte[] signature) {
    if (signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    // R must itself be a canonical point of the prime-order subgroup: this rules out the
    // small-order
    // and mixed-order R values that a cofactored check would let through.
    if (!org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFull(signature, 0)) {
      return false;
    }
    // BouncyCastle rejects S >= L itself.
    return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
        signature, 0, key.point, message, 0, message.length);
  }

  private static void requireLength(byte[] value, int length, String what) {
    if (value.length != length) {
      throw new IllegalArgumentException(
          what + " must be " + length + " bytes, got " + value.length);
    }
  }
}
