package io.hsip.policygateway.hsip.transparency;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.Sha256;
import java.util.List;

/** Verifies RFC 9162 §2.1.3.2 inclusion proofs. */
public final class InclusionProofVerifier {

  private InclusionProofVerifier() {}

  /**
   * Checks that the leaf with hash {@code leafHash} sits at {@code index} in the tree of {@code
   * size} leaves whose root is {@code root}. The leaf hash, the root and every path hash must be 32
   * bytes.
   *
   * @throws ProofException naming the first thing that does not hold
   */
  public static void verify(long index, long size, byte[] leafHash, List<byte[]> path, byte[] root)
      throws ProofException {
    if (index < 0 || index >= size) {
      throw new ProofException("leaf index " + index + " is not below tree size " + size);
    }
    String what = "inclusion proof of leaf " + index + " in tree size " + size;
    Hashes.require(leafHash, what, "leaf hash");
    Hashes.require(root, what, "root");
    Hashes.requireAll(path, what);
    byte[] computed = rootFromPath(index, size, leafHash, path);
    if (!Sha256.equal(computed, root)) {
      throw new ProofException(
          "inclusion proof of leaf "
              + index
              + " leads to root "
              + LowerHex.encode(computed)
              + ", not the checkpoint root "
              + LowerHex.encode(root)
              + " of tree size "
              + size);
    }
  }

  /**
   * The root that {@code path} leads to from the leaf, or an exception if the path has the wrong
   * shape.
   */
  static byte[] rootFromPath(long index, long size, byte[] leafHash, List<byte[]> path)
      throws ProofException {
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : path) {
      if (sn == 0) {
        throw new ProofException(
            "inclusion proof of leaf "
                + index
                + " in tree size "
                + size
                + " has "
                + path.size()
                + " hashes, more than the path length");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = TreeHasher.node(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = TreeHasher.node(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new ProofException(
          "inclusion proof of leaf "
              + index
              + " in tree size "
              + size
              + " has "
              + path.size()
              + " hashes, fewer than the path length");
    }
    return r;
  }
}
