package io.hsip.policygateway.hsip.transparency;

import io.hsip.policygateway.hsip.LowerHex;
import java.util.Arrays;
import java.util.Base64;

/**
 * A tree head: the log's origin, its size, its RFC 9162 root hash and when the gateway signed it.
 * Immutable; a checkpoint obtained from {@link Checkpoints#parse} has a verified signature.
 */
public final class Checkpoint {

  private final String origin;
  private final long treeSize;
  private final byte[] rootHash;
  private final long timeMs;

  private Checkpoint(String origin, long treeSize, byte[] rootHash, long timeMs) {
    this.origin = origin;
    this.treeSize = treeSize;
    this.rootHash = rootHash;
    this.timeMs = timeMs;
  }

  /** Validates and creates a checkpoint body. */
  public static Checkpoint create(String origin, long treeSize, byte[] rootHash, long timeMs) {
    if (!Checkpoints.isValidOrigin(origin)) {
      throw new IllegalArgumentException(
          "origin must be 1-255 printable ASCII characters without spaces or '+'");
    }
    if (treeSize < 0 || timeMs < 0) {
      throw new IllegalArgumentException("tree size and time must not be negative");
    }
    if (rootHash.length != TreeHasher.HASH_LENGTH) {
      throw new IllegalArgumentException("root hash must be 32 bytes");
    }
    return new Checkpoint(origin, treeSize, rootHash.clone(), timeMs);
  }

  /** The log's name, also the name of the signing key. */
  public String origin() {
    return origin;
  }

  /** Number of leaves. */
  public long treeSize() {
    return treeSize;
  }

  /** A copy of the root hash. */
  public byte[] rootHash() {
    return rootHash.clone();
  }

  /** The root hash in lowercase hex. */
  public String rootHex() {
    return LowerHex.encode(rootHash);
  }

  /** When the checkpoint was signed, Unix ms. */
  public long timeMs() {
    return timeMs;
  }

  /**
   * The signed body, exactly: origin, size, Base64 root, {@code time <ms>}, each ending with a
   * newline.
   */
  public String body() {
    return origin
        + "\n"
        + treeSize
        + "\n"
        + Base64.getEncoder().encodeToString(rootHash)
        + "\n"
        + "time "
        + timeMs
        + "\n";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Checkpoint that
        && origin.equals(that.origin)
        && treeSize == that.treeSize
        && timeMs == that.timeMs
        && java.security.MessageDigest.isEqual(rootHash, that.rootHash);
  }

  @Override
  public int hashCode() {
    return (origin.hashCode() * 31 + Long.hashCode(treeSize)) * 31 + Arrays.hashCode(rootHash);
  }

  @Override
  public String toString() {
    return "Checkpoint["
        + origin
        + ", size "
        + treeSize
        + ", root "
        + rootHex()
        + ", time "
        + timeMs
        + "]";
  }
}
