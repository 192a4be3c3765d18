package io.hsip.policygateway.hsip.transparency;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.Sha256;
import java.util.List;

/**
 * Verifies RFC 9162 §2.1.4.2 consistency proofs: the larger tree is an append-only extension of the
 * smaller.
 */
public final class ConsistencyProofVerifier {

  private ConsistencyProofVerifier() {}

  /**
   * Checks that the tree of {@code first} leaves with root {@code firstRoot} is a prefix of the
   * tree of {@code second} leaves with root {@code secondRoot}. Every root and proof hash must be
   * 32 bytes. From tree size 0 the proof must be empty and {@code firstRoot} must be the empty-tree
   * root {@code SHA-256()}; such a proof says nothing about {@code secondRoot}.
   *
   * @throws ProofException naming the first thing that does not hold
   */
  public static void verify(
      long first, long second, byte[] firstRoot, byte[] secondRoot, List<byte[]> proof)
      throws ProofException {
    String what = "consistency proof from tree size " + first + " to " + second;
    if (first < 0 || second < first) {
      throw new ProofException(what + ": tree size " + second + " is smaller than " + first);
    }
    Hashes.require(firstRoot, what, "first root");
    Hashes.require(secondRoot, what, "second root");
    Hashes.requireAll(proof, what);
    // Every tree extends the empty tree, so the proof from size 0 is empty and says nothing about
    // the second root; only the first root can be wrong, and for size 0 it is fixed. The reference
    // (transparency-dev/merkle) refuses size 0 outright; we answer it, because the audit bundle
    // verifier asks it whenever an exported range ends at leaf 0 or the previous export covered an
    // empty log, and there the honest answer is yes.
    if (first == 0 && !Sha256.equal(firstRoot, TreeHasher.emptyRoot())) {
      throw new ProofException(
          what
              + ": the first root "
              + LowerHex.encode(firstRoot)
              + " is not the empty-tree root "
              + LowerHex.encode(TreeHasher.emptyRoot()));
    }
    if (first == second) {
      if (!proof.isEmpty()) {
        throw new ProofException(
            what + " must be empty for equal sizes, has " + proof.size() + " hashes");
      }
      if (!Sha256.equal(firstRoot, secondRoot)) {
        throw new ProofException(
            what
                + ": equal sizes but different roots "
                + LowerHex.encode(firstRoot)
                + " and "
                + LowerHex.encode(secondRoot));
      }
      return;
    }
    if (first == 0) {
      if (!proof.isEmpty()) {
        throw new ProofException(
            what + " must be empty from the empty tree, has " + proof.size() + " hashes");
      }
      return;
    }
    if (proof.isEmpty()) {
      throw new ProofException(what + " is empty");
    }
    int start = 0;
    byte[] fr;
    if (Long.bitCount(first) == 1) {
      fr = firstRoot;
    } else {
      fr = proof.get(0);
      start = 1;
    }
    byte[] sr = fr;
    long fn = first - 1;
    long sn = second - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    for (int i = start; i < proof.size(); i++) {
      byte[] c = proof.get(i);
      if (sn == 0) {
        throw new ProofException(what + " has " + proof.size() + " hashes, more than it needs");
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = TreeHasher.node(c, fr);
        sr = TreeHasher.node(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = TreeHasher.node(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new ProofException(what + " has " + proof.size() + " hashes, fewer than it needs");
    }
    if (!Sha256.equal(fr, firstRoot)) {
      throw new ProofException(
          what + " does not lead to the first root " + LowerHex.encode(firstRoot));
    }
    if (!Sha256.equal(sr, secondRoot)) {
      throw new ProofException(
          what + " does not lead to the second root " + LowerHex.encode(secondRoot));
    }
  }
}
