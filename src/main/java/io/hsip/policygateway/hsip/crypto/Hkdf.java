package io.hsip.policygateway.hsip.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF-SHA256 (RFC 5869). */
public final class Hkdf {

  private Hkdf() {}

  /**
   * Extract-then-expand.
   *
   * @param salt the salt, or {@code null} for none (RFC 5869: a string of HashLen zeros)
   */
  public static byte[] sha256(
      byte @org.jspecify.annotations.Nullable [] salt, byte[] ikm, byte[] info, int length) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    generator.generateBytes(out, 0, length);
    return out;
  }

  /**
   * The extract step alone, {@code PRK = HMAC-SHA256(salt, ikm)}; exposed for known-answer tests.
   */
  public static byte[] extractSha256(byte @org.jspecify.annotations.Nullable [] salt, byte[] ikm) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    return generator.extractPRK(salt, ikm);
  }
}
