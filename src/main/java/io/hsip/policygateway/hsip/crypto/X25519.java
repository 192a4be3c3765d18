package io.hsip.policygateway.hsip.crypto;

import java.security.SecureRandom;

/**
 * X25519 (RFC 7748) for the ephemeral session handshake.
 *
 * <p>Security guarantees: {@link #agree} refuses an all-zero shared secret, which is what a peer
 * that sends a small-order point would force; honest peers never produce one.
 */
public final class X25519 {

  /** Length of private and public values in bytes. */
  public static final int KEY_LENGTH = 32;

  private X25519() {}

  /** A fresh random private value. */
  public static byte[] generatePrivate(SecureRandom random) {
    byte[] secret = new byte[KEY_LENGTH];
    org.bouncycastle.math.ec.rfc7748.X25519.generatePrivateKey(random, secret);
    return secret;
  }

  /** The public value of a private value (clamping is applied as RFC 7748 requires). */
  public static byte[] publicValue(byte[] privateValue) {
    if (privateValue.length != KEY_LENGTH) {
      throw new IllegalArgumentException("X25519 private value must be 32 bytes");
    }
    byte[] pub = new byte[KEY_LENGTH];
    org.bouncycastle.math.ec.rfc7748.X25519.generatePublicKey(privateValue, 0, pub, 0);
    return pub;
  }

  /**
   * The shared secret of our private value and the peer's public value.
   *
   * @return the 32-byte secret, or {@code null} when it would be all zeros (a small-order peer
   *     value)
   */
  public static byte @org.jspecify.annotations.Nullable [] agree(
      byte[] privateValue, byte[] peerPublic) {
    if (privateValue.length != KEY_LENGTH || peerPublic.length != KEY_LENGTH) {
      return null;
    }
    byte[] shared = new byte[KEY_LENGTH];
    boolean nonZero =
        org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(
            privateValue, 0, peerPublic, 0, shared, 0);
    return nonZero ? shared : null;
  }
}
