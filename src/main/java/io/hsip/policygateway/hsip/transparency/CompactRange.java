package io.hsip.policygateway.hsip.transparency;

import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of a growing RFC 9162 tree (a Merkle mountain range): the hashes of the perfect
 * subtrees that make up its first {@code size} leaves, largest first. Appending a leaf costs
 * amortised O(1) hashes and the root is available at every size, so a verifier can stream millions
 * of leaves in O(log n) memory and check each signed checkpoint it passes.
 */
public final class CompactRange {

  private long size;
  private final List<byte[]> hashes;

  private CompactRange(long size, List<byte[]> hashes) {
    this.size = size;
    this.hashes = hashes;
  }

  /** The empty tree. */
  public static CompactRange empty() {
    return new CompactRange(0, new ArrayList<>());
  }

  /**
   * The range of the first {@code size} leaves given their frontier ({@link
   * ProofBuilder#frontier}).
   *
   * @throws ProofException if the number or length of hashes does not fit {@code size}
   */
  public static CompactRange of(long size, List<byte[]> frontier) throws ProofException {
    if (size < 0) {
      throw new ProofException("negative tree size " + size);
    }
    if (frontier.size() != Long.bitCount(size)) {
      throw new ProofException(
          "a frontier of tree size "
              + size
              + " has "
              + Long.bitCount(size)
              + " hashes, not "
              + frontier.size());
    }
    Hashes.requireAll(frontier, "frontier");
    return new CompactRange(size, new ArrayList<>(frontier));
  }

  /** Number of leaves so far. */
  public long size() {
    return size;
  }

  /** Appends the leaf with hash {@code leafHash}. */
  public void append(byte[] leafHash) {
    byte[] carry = leafHash;
    // Each trailing one bit of the old size is a perfect subtree of the new leaf's height that now
    // pairs up.
    for (long s = size; (s & 1) == 1; s >>= 1) {
      carry = TreeHasher.node(hashes.remove(hashes.size() - 1), carry);
    }
    hashes.add(carry);
    size++;
  }

  /** The root hash of the first {@link #size()} leaves. */
  public byte[] root() {
    if (hashes.isEmpty()) {
      return TreeHasher.emptyRoot();
    }
    byte[] root = hashes.get(hashes.size() - 1);
    for (int i = hashes.size() - 2; i >= 0; i--) {
      root = TreeHasher.node(hashes.get(i), root);
    }
    return root;
  }
}
