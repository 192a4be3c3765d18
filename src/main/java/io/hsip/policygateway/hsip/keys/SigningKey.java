package io.hsip.policygateway.hsip.keys;

import io.hsip.policygateway.hsip.crypto.Ed25519;
import io.hsip.policygateway.hsip.crypto.Hkdf;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * An Ed25519 signing key (the 32-byte seed the reference stores as {@code priv_hex}/{@code
 * sk_hex}).
 *
 * <p>Security guarantees: the seed never appears in {@link #toString()}; {@link #exportSeed()} is
 * the only way out, for writing key files. Signatures are deterministic (RFC 8032), so known-answer
 * vectors reproduce byte for byte. Immutable and thread-safe.
 */
public final class SigningKey {

  private final byte[] seed;
  private final Ed25519PublicKey publicKey;

  private SigningKey(byte[] seed) {
    this.seed = seed;
    this.publicKey = Ed25519PublicKey.ofSeed(seed);
  }

  /** A signing key from its 32-byte seed. */
  public static SigningKey fromSeed(byte[] seed) {
    if (seed.length != Ed25519.SEED_LENGTH) {
      throw new IllegalArgumentException("Ed25519 seed must be 32 bytes");
    }
    return new SigningKey(seed.clone());
  }

  /** A fresh random key. */
  public static SigningKey generate(SecureRandom random) {
    return new SigningKey(Ed25519.generateSeed(random));
  }

  /** Signs {@code message}. */
  public byte[] sign(byte[] message) {
    return Ed25519.sign(seed, message);
  }

  /** The public half. */
  public Ed25519PublicKey publicKey() {
    return publicKey;
  }

  /** The PeerID of the public half. */
  public PeerId peerId() {
    return publicKey.peerId();
  }

  /**
   * A secret derived from this key for one other purpose: HKDF-SHA256 (RFC 5869) over the seed, no
   * salt, with {@code label} as {@code info}. Distinct labels give independent secrets, and none of
   * them reveals the seed, so the one key file can also key, say, the audit entry MACs.
   */
  public byte[] deriveSecret(String label, int length) {
    return Hkdf.sha256(null, seed, label.getBytes(StandardCharsets.UTF_8), length);
  }

  /** A copy of the secret seed, for writing key files only. */
  public byte[] exportSeed() {
    return seed.clone();
  }

  @Override
  public String toString() {
    return "SigningKey[" + publicKey.peerId() + ", seed redacted]";
  }
}
