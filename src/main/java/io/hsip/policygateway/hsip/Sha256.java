package io.hsip.policygateway.hsip;

import io.hsip.policygateway.hsip.crypto.Digests;
import java.security.MessageDigest;

/**
 * SHA-256 for the rest of the gateway (content digests of policy versions, audit hashing), so that
 * only the {@code hsip} package touches crypto APIs (docs/architecture.md#dependency-rules).
 */
public final class Sha256 {

  /** Digest length in bytes. */
  public static final int LENGTH = 32;

  private Sha256() {}

  /** SHA-256 over the concatenation of {@code parts}. */
  public static byte[] of(byte[]... parts) {
    return Digests.sha256(parts);
  }

  /** Lowercase hex of SHA-256 over the concatenation of {@code parts}. */
  public static String hex(byte[]... parts) {
    return LowerHex.encode(of(parts));
  }

  /** A fresh incremental SHA-256, for input that is streamed. */
  public static MessageDigest incremental() {
    return Digests.newSha256();
  }

  /** Constant-time equality of two digests. */
  public static boolean equal(byte[] a, byte[] b) {
    return Digests.constantTimeEquals(a, b);
  }
}
