package io.hsip.policygateway.hsip.crypto;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.digest.Blake3;

/** The hash functions of HSIP: BLAKE3-256 (PeerIDs, content ids, request hashes) and SHA-256. */
public final class Digests {

  private Digests() {}

  /** BLAKE3 with a 32-byte output over the concatenation of {@code parts}. */
  public static byte[] blake3(byte[]... parts) {
    Blake3 hasher = Blake3.initHash();
    for (byte[] part : parts) {
      hasher.update(part);
    }
    return hasher.doFinalize(32);
  }

  /** Keyed BLAKE3 (32-byte key) with a 32-byte output. */
  public static byte[] blake3Keyed(byte[] key, byte[]... parts) {
    Blake3 hasher = Blake3.initKeyedHash(key);
    for (byte[] part : parts) {
      hasher.update(part);
    }
    return hasher.doFinalize(32);
  }

  /** SHA-256 over the concatenation of {@code parts}. */
  public static byte[] sha256(byte[]... parts) {
    MessageDigest digest = newSha256();
    for (byte[] part : parts) {
      digest.update(part);
    }
    return digest.digest();
  }

  /** A fresh SHA-256 digest, for callers that stream their input. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform is required to provide SHA-256.
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * A fresh HMAC-SHA256 (RFC 2104) under {@code key}, for callers that MAC several messages in a
   * row ({@link Mac#doFinal(byte[])} resets it). Not thread-safe: one per thread.
   */
  public static Mac newHmacSha256(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // Every Java platform is required to provide HmacSHA256, and any key length is valid.
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /** Constant-time equality of two byte arrays (lengths are not secret). */
  public static boolean constantTimeEquals(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }
}
