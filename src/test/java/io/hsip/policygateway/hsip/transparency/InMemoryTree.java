package io.hsip.policygateway.hsip.transparency;

import io.hsip.policygateway.hsip.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An independent, deliberately naive RFC 9162 reference for tests: MTH computed by the recursive
 * definition straight from the entries (no stored nodes, no shared code with {@link ProofBuilder}
 * beyond SHA-256), and a {@link NodeSource} answering perfect subtrees by brute force.
 */
final class InMemoryTree implements NodeSource {

  final List<byte[]> entries = new ArrayList<>();

  static InMemoryTree ofSize(int n) {
    InMemoryTree tree = new InMemoryTree();
    for (int i = 0; i < n; i++) {
      tree.entries.add(("entry " + i).getBytes(StandardCharsets.UTF_8));
    }
    return tree;
  }

  /** MTH(D[lo:hi]) by RFC 9162 §2.1.1, literally. */
  byte[] mth(int lo, int hi) {
    int n = hi - lo;
    if (n == 0) {
      return Sha256.of();
    }
    if (n == 1) {
      return Sha256.of(new byte[] {0}, entries.get(lo));
    }
    int k = 1;
    while (k * 2 < n) {
      k *= 2;
    }
    return Sha256.of(new byte[] {1}, mth(lo, lo + k), mth(lo + k, hi));
  }

  byte[] leafHash(int i) {
    return mth(i, i + 1);
  }

  @Override
  public byte[] perfectNode(int level, long index) {
    int lo = (int) (index << level);
    return mth(lo, lo + (1 << level));
  }

  static byte[] flip(byte[] hash) {
    byte[] copy = Arrays.copyOf(hash, hash.length);
    copy[0] ^= 1;
    return copy;
  }
}
