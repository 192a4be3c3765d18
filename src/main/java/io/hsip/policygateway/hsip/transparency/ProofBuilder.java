package io.hsip.policygateway.hsip.transparency;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds RFC 9162 roots and proofs from stored perfect-subtree hashes (§2.1.3.1 inclusion paths,
 * §2.1.4.1 consistency proofs) and the compact ranges of export bundles. Every arbitrary subtree
 * hash is composed of O(log n) perfect subtrees, so no proof needs more than O(log n) reads from
 * the {@link NodeSource}.
 */
public final class ProofBuilder {

  private final NodeSource source;

  /** A builder reading from {@code source}. */
  public ProofBuilder(NodeSource source) {
    this.source = source;
  }

  /** The root hash of the tree of the first {@code size} leaves (RFC 9162 MTH). */
  public byte[] root(long size) {
    requireSize(size);
    return size == 0 ? TreeHasher.emptyRoot() : subtree(0, size);
  }

  /**
   * The hash of the subtree over leaves {@code [lo, hi)} as RFC 9162's recursive MTH defines it.
   */
  public byte[] subtree(long lo, long hi) {
    if (lo < 0 || hi <= lo) {
      throw new IllegalArgumentException("empty or negative subtree [" + lo + ", " + hi + ")");
    }
    if (TreeHasher.isPerfect(lo, hi)) {
      int level = Long.numberOfTrailingZeros(hi - lo);
      return source.perfectNode(level, lo >>> level);
    }
    long k = TreeHasher.split(hi - lo);
    return TreeHasher.node(subtree(lo, lo + k), subtree(lo + k, hi));
  }

  /**
   * The inclusion path of leaf {@code index} in the tree of {@code size} leaves, deepest sibling
   * first.
   */
  public List<byte[]> inclusion(long index, long size) {
    requireSize(size);
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf index " + index + " is not below tree size " + size);
    }
    List<byte[]> path = new ArrayList<>();
    inclusion(index, 0, size, path);
    return path;
  }

  private void inclusion(long index, long lo, long hi, List<byte[]> path) {
    if (hi - lo == 1) {
      return;
    }
    long k = TreeHasher.split(hi - lo);
    if (index < lo + k) {
      inclusion(index, lo, lo + k, path);
      path.add(subtree(lo + k, hi));
    } else {
      inclusion(index, lo + k, hi, path);
      path.add(subtree(lo, lo + k));
    }
  }

  /**
   * The consistency proof from the tree of {@code first} leaves to the tree of {@code second}
   * leaves.
   */
  public List<byte[]> consistency(long first, long second) {
    requireSize(first);
    if (second < first) {
      throw new IllegalArgumentException("tree size " + second + " is smaller than " + first);
    }
    List<byte[]> proof = new ArrayList<>();
    if (first == 0 || first == second) {
      return proof;
    }
    subproof(first, 0, second, true, proof);
    return proof;
  }

  private void subproof(long m, long lo, long hi, boolean complete, List<byte[]> proof) {
    long n = hi - lo;
    if (m == n) {
      if (!complete) {
        proof.add(subtree(lo, hi));
      }
      return;
    }
    long k = TreeHasher.split(n);
    if (m <= k) {
      subproof(m, lo, lo + k, complete, proof);
      proof.add(subtree(lo + k, hi));
    } else {
      subproof(m - k, lo + k, hi, false, proof);
      proof.add(subtree(lo, lo + k));
    }
  }

  /**
   * The compact range of the first {@code size} leaves: the hashes of the perfect subtrees of its
   * binary decomposition, largest first (one per set bit of {@code size}). With it a verifier can
   * append leaves {@code size, size+1, ...} and compute every later root ({@link CompactRange}).
   */
  public List<byte[]> frontier(long size) {
    requireSize(size);
    List<byte[]> hashes = new ArrayList<>();
    long lo = 0;
    for (int level = 62; level >= 0; level--) {
      long block = 1L << level;
      if ((size & block) != 0) {
        hashes.add(source.perfectNode(level, lo >>> level));
        lo += block;
      }
    }
    return hashes;
  }

  private static void requireSize(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative tree size " + size);
    }
  }
}
