package io.hsip.policygateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The views of the audit log that {@link AuditReader} returns: the JSON shapes of the auditor API.
 */
public final class AuditViews {

  private AuditViews() {}

  /**
   * One entry.
   *
   * @param seq sequence number
   * @param leafIndex leaf index in the tree, null until integrated
   * @param entry the entry exactly as hashed (canonical JSON, schema 1)
   */
  public record EntryView(long seq, @Nullable Long leafIndex, JsonNode entry) {}

  /**
   * A page of search results.
   *
   * @param entries newest first
   * @param nextBefore pass as {@code before} for the next page; null on the last page
   */
  public record EntryPage(List<EntryView> entries, @Nullable Long nextBefore) {}

  /**
   * An entry with its inclusion proof against a signed checkpoint.
   *
   * @param seq sequence number
   * @param leafIndex leaf index
   * @param entry the entry exactly as hashed
   * @param leafHash SHA-256(0x00 || canonical entry), hex
   * @param treeSize size of the checkpoint proved against
   * @param rootHash its root, hex
   * @param checkpoint the signed checkpoint (C2SP signed note)
   * @param inclusion the RFC 9162 inclusion path, deepest sibling first, hex
   */
  public record EntryProofView(
      long seq,
      long leafIndex,
      JsonNode entry,
      String leafHash,
      long treeSize,
      String rootHash,
      String checkpoint,
      List<String> inclusion) {}

  /**
   * A signed checkpoint.
   *
   * @param treeSize number of leaves
   * @param rootHash root hash, hex
   * @param signedAt when it was signed
   * @param checkpoint the C2SP signed note, verifiable with the gateway key
   */
  public record CheckpointView(
      long treeSize, String rootHash, String signedAt, String checkpoint) {}

  /**
   * A page of checkpoints.
   *
   * @param checkpoints newest first
   * @param nextBefore pass as {@code before} for the next page; null on the last page
   */
  public record CheckpointPage(List<CheckpointView> checkpoints, @Nullable Long nextBefore) {}

  /**
   * An RFC 9162 consistency proof between two signed checkpoints.
   *
   * @param first the smaller checkpoint
   * @param second the larger checkpoint
   * @param proof the proof hashes, hex
   */
  public record ConsistencyView(CheckpointView first, CheckpointView second, List<String> proof) {}

  /**
   * The key that signs checkpoints and bundle manifests.
   *
   * @param origin the log's name in its checkpoints
   * @param publicKeyHex Ed25519 public key, hex
   * @param peerId the key's PeerID
   */
  public record PublicKeyView(String origin, String publicKeyHex, String peerId) {}
}
