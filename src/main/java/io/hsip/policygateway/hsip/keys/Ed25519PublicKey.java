package io.hsip.policygateway.hsip.keys;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.crypto.Ed25519;
import java.util.Base64;

/**
 * A validated Ed25519 public key with its PeerID.
 *
 * <p>Security guarantees: an instance exists only for a canonical encoding of a point in the
 * prime-order subgroup, so small-order ("weak") keys never verify anything; {@link #verify} is
 * strict (see {@link Ed25519}). Immutable and thread-safe; decode and validate once, verify many
 * times.
 */
public final class Ed25519PublicKey {

  private final byte[] encoded;
  private final Ed25519.DecodedPublicKey decoded;
  private final PeerId peerId;

  private Ed25519PublicKey(byte[] encoded, Ed25519.DecodedPublicKey decoded) {
    this.encoded = encoded;
    this.decoded = decoded;
    this.peerId = PeerId.derive(encoded);
  }

  /** Validates raw 32 bytes. */
  public static Ed25519PublicKey create(byte[] encoded) throws InvalidKeyException {
    if (encoded.length != Ed25519.PUBLIC_KEY_LENGTH) {
      throw new InvalidKeyException("public key must be 32 bytes, got " + encoded.length);
    }
    Ed25519.DecodedPublicKey decoded = Ed25519.decodePublicKey(encoded);
    if (decoded == null) {
      throw new InvalidKeyException("public key is not a valid Ed25519 point of prime order");
    }
    return new Ed25519PublicKey(encoded.clone(), decoded);
  }

  /** Validates 64 lowercase hex characters. */
  public static Ed25519PublicKey fromHex(String hex) throws InvalidKeyException {
    byte[] raw = LowerHex.decode(hex, Ed25519.PUBLIC_KEY_LENGTH);
    if (raw == null) {
      throw new InvalidKeyException("public key must be 64 lowercase hex characters");
    }
    return create(raw);
  }

  /** Derives the public key of a seed the caller already holds (no validation needed). */
  static Ed25519PublicKey ofSeed(byte[] seed) {
    byte[] encoded = Ed25519.publicKey(seed);
    Ed25519.DecodedPublicKey decoded = Ed25519.decodePublicKey(encoded);
    if (decoded == null) {
      throw new IllegalStateException("derived Ed25519 public key failed validation");
    }
    return new Ed25519PublicKey(encoded, decoded);
  }

  /**
   * Strictly verifies {@code signature} over {@code message}.
   *
   * @throws InvalidSignatureException if it does not verify
   */
  public void verify(byte[] message, byte[] signature) throws InvalidSignatureException {
    if (signature.length != Ed25519.SIGNATURE_LENGTH) {
      throw new InvalidSignatureException("signature must be 64 bytes");
    }
    if (!Ed25519.verify(decoded, message, signature)) {
      throw new InvalidSignatureException("signature does not verify");
    }
  }

  /** The PeerID of this key. */
  public PeerId peerId() {
    return peerId;
  }

  /** Lowercase hex of the 32 raw bytes, as {@code *_pub_key_hex} fields carry it. */
  public String hex() {
    return LowerHex.encode(encoded);
  }

  /**
   * Standard padded Base64 of the raw bytes: the hsip-auth "peer id" of the tray {@code /status}.
   */
  public String base64() {
    return Base64.getEncoder().encodeToString(encoded);
  }

  /** A copy of the 32 raw bytes. */
  public byte[] toBytes() {
    return encoded.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Ed25519PublicKey that
        && java.security.MessageDigest.isEqual(encoded, that.encoded);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "Ed25519PublicKey[" + peerId + "]";
  }
}
