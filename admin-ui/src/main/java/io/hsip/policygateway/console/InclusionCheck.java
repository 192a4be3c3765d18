package io.hsip.policygateway.console;

import io.hsip.policygateway.audit.AuditReader;
import io.hsip.policygateway.audit.AuditViews.EntryProofView;
import io.hsip.policygateway.audit.AuditViews.PublicKeyView;
import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.InvalidKeyException;
import io.hsip.policygateway.hsip.transparency.Checkpoint;
import io.hsip.policygateway.hsip.transparency.CheckpointParseException;
import io.hsip.policygateway.hsip.transparency.Checkpoints;
import io.hsip.policygateway.hsip.transparency.InclusionProofVerifier;
import io.hsip.policygateway.hsip.transparency.ProofException;
import io.hsip.policygateway.hsip.transparency.TreeHasher;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * "Verify inclusion" for the console: fetches an entry's RFC 9162 inclusion proof against the
 * latest signed checkpoint and checks it the way an offline verifier would, without trusting the
 * proof's own claims: the leaf hash is recomputed from the entry, the root from the path, and the
 * checkpoint's signature is checked with the gateway's public key.
 */
@ApplicationScoped
public class InclusionCheck {

  private final AuditReader reader;

  InclusionCheck(AuditReader reader) {
    this.reader = reader;
  }

  /**
   * The outcome.
   *
   * @param verified whether every check held
   * @param summary one sentence for the user
   * @param details the proof as checked (empty when there was nothing to check)
   */
  public record Result(boolean verified, String summary, String details) {}

  public Result check(long seq) {
    EntryProofView proof;
    PublicKeyView key;
    try {
      proof = reader.entryWithProof(seq, null);
      key = reader.publicKey();
    } catch (ProblemException unavailable) {
      return new Result(false, "Cannot check entry " + seq + ": " + unavailable.getMessage(), "");
    }
    byte[] leaf = TreeHasher.leaf(CanonicalJson.encode(proof.entry()));
    StringBuilder details = new StringBuilder();
    details.append("leaf index   ").append(proof.leafIndex()).append('\n');
    details
        .append("leaf hash    ")
        .append(LowerHex.encode(leaf))
        .append(" (recomputed from the entry)\n");
    details.append("tree size    ").append(proof.treeSize()).append('\n');
    details.append("root hash    ").append(proof.rootHash()).append('\n');
    details.append("path (").append(proof.inclusion().size()).append(" hashes, deepest first)\n");
    for (String hash : proof.inclusion()) {
      details.append("  ").append(hash).append('\n');
    }
    try {
      if (!LowerHex.encode(leaf).equals(proof.leafHash())) {
        throw new ProofException("the entry does not hash to the leaf the proof names");
      }
      Ed25519PublicKey gatewayKey = Ed25519PublicKey.fromHex(key.publicKeyHex());
      Checkpoint checkpoint =
          Checkpoints.parse(proof.checkpoint().getBytes(StandardCharsets.UTF_8), gatewayKey);
      if (checkpoint.treeSize() != proof.treeSize()
          || !checkpoint.rootHex().equals(proof.rootHash())) {
        throw new ProofException("the signed checkpoint is not the one the proof is against");
      }
      List<byte[]> path = new ArrayList<>();
      for (String hash : proof.inclusion()) {
        byte[] node = LowerHex.decode(hash, TreeHasher.HASH_LENGTH);
        if (node == null) {
          throw new ProofException("a path hash is not 32 bytes of lowercase hex");
        }
        path.add(node);
      }
      InclusionProofVerifier.verify(
          proof.leafIndex(), proof.treeSize(), leaf, path, checkpoint.rootHash());
      details
          .append("checkpoint   signed by ")
          .append(key.peerId())
          .append(" (signature checked)\n");
      return new Result(
          true,
          "Verified: entry "
              + seq
              + " is leaf "
              + proof.leafIndex()
              + " of the tree of size "
              + proof.treeSize()
              + " that the gateway key signed.",
          details.toString());
    } catch (ProofException | CheckpointParseException | InvalidKeyException e) {
      return new Result(false, "NOT verified: " + e.getMessage(), details.toString());
    }
  }
}
