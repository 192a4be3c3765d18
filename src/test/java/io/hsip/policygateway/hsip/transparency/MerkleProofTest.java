package io.hsip.policygateway.hsip.transparency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.hsip.LowerHex;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 9162 roots and proofs against an independent brute-force reference, the Certificate
 * Transparency test vectors, and the RFC's properties: every honest proof verifies, and any change
 * to a proof, leaf, index, size or root is rejected.
 */
class MerkleProofTest {

  private static final int MAX = 40;

  /** The CT reference inputs (RFC 6962 test data, as in Go's and Trillian's merkle tests). */
  private static final String[] CT_LEAVES = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f"
  };

  /** Their roots for sizes 1 to 8. */
  private static final String[] CT_ROOTS = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
  };

  @Test
  void emptyTreeRootIsSha256OfNothing() {
    assertThat(LowerHex.encode(TreeHasher.emptyRoot()))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(new ProofBuilder(InMemoryTree.ofSize(0)).root(0)).isEqualTo(TreeHasher.emptyRoot());
  }

  @Test
  void rootsMatchTheCertificateTransparencyVectors() {
    InMemoryTree tree = new InMemoryTree();
    for (String leaf : CT_LEAVES) {
      tree.entries.add(HexFormat.of().parseHex(leaf));
    }
    for (int n = 1; n <= 8; n++) {
      assertThat(LowerHex.encode(new ProofBuilder(tree).root(n)))
          .as("size %d", n)
          .isEqualTo(CT_ROOTS[n - 1]);
      assertThat(LowerHex.encode(tree.mth(0, n))).isEqualTo(CT_ROOTS[n - 1]);
    }
  }

  @Test
  void rootsAndCompactRangesMatchBruteForceForEverySize() throws ProofException {
    InMemoryTree tree = InMemoryTree.ofSize(MAX);
    ProofBuilder builder = new ProofBuilder(tree);
    CompactRange streamed = CompactRange.empty();
    for (int n = 1; n <= MAX; n++) {
      streamed.append(tree.leafHash(n - 1));
      byte[] expected = tree.mth(0, n);
      assertThat(builder.root(n)).as("root of %d", n).isEqualTo(expected);
      assertThat(streamed.root()).as("compact range root of %d", n).isEqualTo(expected);
      // A range resumed from any frontier reaches the same roots.
      for (int start = 0; start <= n; start++) {
        CompactRange resumed = CompactRange.of(start, builder.frontier(start));
        for (int i = start; i < n; i++) {
          resumed.append(tree.leafHash(i));
        }
        assertThat(resumed.root()).isEqualTo(expected);
      }
    }
  }

  @Test
  void everyInclusionProofVerifiesAndEveryTamperingIsRejected() throws ProofException {
    InMemoryTree tree = InMemoryTree.ofSize(MAX);
    ProofBuilder builder = new ProofBuilder(tree);
    for (int n = 1; n <= MAX; n++) {
      byte[] root = tree.mth(0, n);
      for (int i = 0; i < n; i++) {
        List<byte[]> path = builder.inclusion(i, n);
        InclusionProofVerifier.verify(i, n, tree.leafHash(i), path, root);
        final int index = i;
        final int size = n;
        assertThatThrownBy(
                () ->
                    InclusionProofVerifier.verify(
                        index, size, InMemoryTree.flip(tree.leafHash(index)), path, root))
            .isInstanceOf(ProofException.class);
        assertThatThrownBy(
                () ->
                    InclusionProofVerifier.verify(
                        index, size, tree.leafHash(index), path, InMemoryTree.flip(root)))
            .isInstanceOf(ProofException.class);
        for (int j = 0; j < path.size(); j++) {
          List<byte[]> bad = new ArrayList<>(path);
          bad.set(j, InMemoryTree.flip(bad.get(j)));
          assertThatThrownBy(
                  () -> InclusionProofVerifier.verify(index, size, tree.leafHash(index), bad, root))
              .isInstanceOf(ProofException.class);
        }
        if (n > 1) {
          int other = (i + 1) % n;
          assertThatThrownBy(
                  () ->
                      InclusionProofVerifier.verify(other, size, tree.leafHash(index), path, root))
              .isInstanceOf(ProofException.class);
        }
        List<byte[]> longer = new ArrayList<>(path);
        longer.add(root);
        assertThatThrownBy(
                () ->
                    InclusionProofVerifier.verify(index, size, tree.leafHash(index), longer, root))
            .isInstanceOf(ProofException.class);
      }
    }
  }

  @Test
  void everyConsistencyProofVerifiesAndEveryTamperingIsRejected() throws ProofException {
    InMemoryTree tree = InMemoryTree.ofSize(MAX);
    ProofBuilder builder = new ProofBuilder(tree);
    for (int n = 1; n <= MAX; n++) {
      for (int m = 1; m <= n; m++) {
        List<byte[]> proof = builder.consistency(m, n);
        byte[] first = tree.mth(0, m);
        byte[] second = tree.mth(0, n);
        ConsistencyProofVerifier.verify(m, n, first, second, proof);
        final int a = m;
        final int b = n;
        if (m < n) {
          assertThatThrownBy(
                  () ->
                      ConsistencyProofVerifier.verify(
                          a, b, InMemoryTree.flip(first), second, proof))
              .isInstanceOf(ProofException.class);
          assertThatThrownBy(
                  () ->
                      ConsistencyProofVerifier.verify(
                          a, b, first, InMemoryTree.flip(second), proof))
              .isInstanceOf(ProofException.class);
          for (int j = 0; j < proof.size(); j++) {
            List<byte[]> bad = new ArrayList<>(proof);
            bad.set(j, InMemoryTree.flip(bad.get(j)));
            assertThatThrownBy(() -> ConsistencyProofVerifier.verify(a, b, first, second, bad))
                .isInstanceOf(ProofException.class);
          }
          List<byte[]> shorter = proof.subList(0, proof.size() - 1);
          assertThatThrownBy(() -> ConsistencyProofVerifier.verify(a, b, first, second, shorter))
              .isInstanceOf(ProofException.class);
        }
      }
    }
  }

  @Test
  void aRewrittenHistoryHasNoConsistencyProof() {
    InMemoryTree honest = InMemoryTree.ofSize(10);
    InMemoryTree forked = InMemoryTree.ofSize(10);
    forked.entries.set(3, "rewritten".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    List<byte[]> proof = new ProofBuilder(forked).consistency(6, 10);
    assertThatThrownBy(
            () ->
                ConsistencyProofVerifier.verify(6, 10, honest.mth(0, 6), forked.mth(0, 10), proof))
        .isInstanceOf(ProofException.class)
        .hasMessage(
            "consistency proof from tree size 6 to 10 does not lead to the first root "
                + LowerHex.encode(honest.mth(0, 6)));
  }

  @Test
  void fromTheEmptyTree_onlyTheEmptyRootAndAnEmptyProof() throws ProofException {
    InMemoryTree tree = InMemoryTree.ofSize(5);
    byte[] empty = TreeHasher.emptyRoot();
    byte[] root = tree.mth(0, 5);
    ConsistencyProofVerifier.verify(0, 0, empty, empty, List.of());
    ConsistencyProofVerifier.verify(0, 5, empty, root, List.of());
    assertThatThrownBy(() -> ConsistencyProofVerifier.verify(0, 5, root, root, List.of()))
        .isInstanceOf(ProofException.class)
        .hasMessage(
            "consistency proof from tree size 0 to 5: the first root "
                + LowerHex.encode(root)
                + " is not the empty-tree root"
                + " e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThatThrownBy(() -> ConsistencyProofVerifier.verify(0, 0, root, root, List.of()))
        .hasMessageStartingWith("consistency proof from tree size 0 to 0: the first root ");
    assertThatThrownBy(() -> ConsistencyProofVerifier.verify(0, 0, empty, root, List.of()))
        .hasMessage(
            "consistency proof from tree size 0 to 0: equal sizes but different roots "
                + LowerHex.encode(empty)
                + " and "
                + LowerHex.encode(root));
    assertThatThrownBy(() -> ConsistencyProofVerifier.verify(0, 5, empty, root, List.of(root)))
        .hasMessage(
            "consistency proof from tree size 0 to 5 must be empty from the empty tree, has 1"
                + " hashes");
    assertThatThrownBy(() -> ConsistencyProofVerifier.verify(0, 5, empty, new byte[0], List.of()))
        .hasMessage("consistency proof from tree size 0 to 5: second root is 0 bytes, not 32");
  }

  @Test
  void messagesAreExact() {
    InMemoryTree tree = InMemoryTree.ofSize(5);
    List<byte[]> path = new ProofBuilder(tree).inclusion(2, 5);
    byte[] root = tree.mth(0, 5);
    assertThatThrownBy(() -> InclusionProofVerifier.verify(5, 5, tree.leafHash(2), path, root))
        .hasMessage("leaf index 5 is not below tree size 5");
    assertThatThrownBy(
            () -> InclusionProofVerifier.verify(2, 5, tree.leafHash(2), path.subList(0, 1), root))
        .hasMessage(
            "inclusion proof of leaf 2 in tree size 5 has 1 hashes, fewer than the path length");
    assertThatThrownBy(() -> InclusionProofVerifier.verify(2, 5, tree.leafHash(3), path, root))
        .hasMessageStartingWith("inclusion proof of leaf 2 leads to root ")
        .hasMessageEndingWith(
            ", not the checkpoint root " + LowerHex.encode(root) + " of tree size 5");
    assertThatThrownBy(() -> ConsistencyProofVerifier.verify(3, 5, tree.mth(0, 3), root, List.of()))
        .hasMessage("consistency proof from tree size 3 to 5 is empty");
    assertThatThrownBy(() -> ConsistencyProofVerifier.verify(5, 3, root, root, List.of()))
        .hasMessage("consistency proof from tree size 5 to 3: tree size 3 is smaller than 5");
    byte[] short31 = java.util.Arrays.copyOf(root, 31);
    assertThatThrownBy(() -> InclusionProofVerifier.verify(2, 5, short31, path, root))
        .hasMessage("inclusion proof of leaf 2 in tree size 5: leaf hash is 31 bytes, not 32");
    assertThatThrownBy(() -> InclusionProofVerifier.verify(2, 5, tree.leafHash(2), path, short31))
        .hasMessage("inclusion proof of leaf 2 in tree size 5: root is 31 bytes, not 32");
    List<byte[]> badPath = new ArrayList<>(path);
    badPath.set(1, new byte[33]);
    assertThatThrownBy(() -> InclusionProofVerifier.verify(2, 5, tree.leafHash(2), badPath, root))
        .hasMessage("inclusion proof of leaf 2 in tree size 5: hash 1 is 33 bytes, not 32");
    List<byte[]> consistency = new ProofBuilder(tree).consistency(3, 5);
    assertThatThrownBy(() -> ConsistencyProofVerifier.verify(3, 5, short31, root, consistency))
        .hasMessage("consistency proof from tree size 3 to 5: first root is 31 bytes, not 32");
    assertThatThrownBy(
            () -> ConsistencyProofVerifier.verify(3, 5, tree.mth(0, 3), short31, consistency))
        .hasMessage("consistency proof from tree size 3 to 5: second root is 31 bytes, not 32");
    assertThatThrownBy(() -> CompactRange.of(5, List.of(root)))
        .hasMessage("a frontier of tree size 5 has 2 hashes, not 1");
  }
}
