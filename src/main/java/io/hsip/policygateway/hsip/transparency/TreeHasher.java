package io.hsip.policygateway.hsip.transparency;

import io.hsip.policygateway.hsip.Sha256;
import java.util.List;

/**
 * The RFC 9162 §2.1.1 hash functions: {@code leaf = SHA-256(0x00 || entry)}, {@code node =
 * SHA-256(0x01 || left || right)}, and the root of the empty tree {@code SHA-256()}. The
 * domain-separation prefixes keep a leaf from ever being passed off as an interior node
 * (second-preimage attacks).
 */
public final class TreeHasher {

  /** Length of every hash in the tree. */
  public static final int HASH_LENGTH = Sha256.LENGTH;

  private static final byte[] LEAF_PREFIX = {0x00};
  private static final byte[] NODE_PREFIX = {0x01};

  private TreeHasher() {}

  /** The hash of a leaf whose entry bytes are {@code entry}. */
  public static byte[] leaf(byte[] entry) {
    return Sha256.of(LEAF_PREFIX, entry);
  }

  /** The hash of an interior node. */
  public static byte[] node(byte[] left, byte[] right) {
    return Sha256.of(NODE_PREFIX, left, right);
  }

  /** The root hash of the empty tree. */
  public static byte[] emptyRoot() {
    return Sha256.of();
  }

  /**
   * The root of the perfect subtree over {@code count} consecutive hashes of one level, starting at
   * {@code from}; {@code count} must be a power of two.
   */
  public static byte[] perfectRoot(List<byte[]> hashes, int from, int count) {
    if (count <= 0 || Integer.bitCount(count) != 1 || from < 0 || from + count > hashes.size()) {
      throw new IllegalArgumentException("need a power-of-two run of hashes inside the list");
    }
    byte[][] level = new byte[count][];
    for (int i = 0; i < count; i++) {
      level[i] = hashes.get(from + i);
    }
    for (int width = count; width > 1; width /= 2) {
      for (int i = 0; i < width / 2; i++) {
        level[i] = node(level[2 * i], level[2 * i + 1]);
      }
    }
    return level[0];
  }

  /**
   * The largest power of two strictly smaller than {@code n} (n &ge; 2): RFC 9162's split point k.
   */
  static long split(long n) {
    return Long.highestOneBit(n - 1);
  }

  /**
   * Whether the subtree {@code [lo, hi)} is a perfect, aligned subtree (size a power of two, lo a
   * multiple of it).
   */
  static boolean isPerfect(long lo, long hi) {
    long size = hi - lo;
    return size > 0 && Long.bitCount(size) == 1 && (lo & (size - 1)) == 0;
  }
}
