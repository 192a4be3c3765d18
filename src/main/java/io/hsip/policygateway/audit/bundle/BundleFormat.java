package io.hsip.policygateway.audit.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The export bundle format {@code hsip-audit-bundle/2} (and the members {@code /1} bundles lack, so
 * that those still verify), defined once for the writer and the verifier: the file names, in the
 * order they are written, and one record per JSON document, whose components (in snake_case) are
 * the members. See {@code compliance/audit-verification.md} for the meaning of every file and
 * field. Every JSON file is RFC 8785 canonical JSON; {@link #encode} and {@link #decode} convert
 * records and bytes.
 */
public final class BundleFormat {

  /**
   * The format identifier in {@code manifest.json}: version 2, whose range is a pair of signed
   * checkpoint sizes and which carries the start checkpoint and the consistency proof between the
   * boundaries.
   */
  public static final String FORMAT = "hsip-audit-bundle/2";

  /**
   * The first format: a range chosen by recording times, bounded by witness leaves. Still verified;
   * no longer written.
   */
  public static final String FORMAT_V1 = "hsip-audit-bundle/1";

  /** {@code range_basis} of an export asked for by tree sizes. */
  public static final String RANGE_TREE_SIZE = "tree-size";

  /** {@code range_basis} of an export asked for by a time window, resolved to tree sizes. */
  public static final String RANGE_WINDOW = "time-window";

  /** Members format 2 added to {@code manifest.json}; absent (null) in format 1. */
  public static final List<String> MANIFEST_V2_MEMBERS = List.of("range_basis");

  /** Members format 2 added to {@code proof.json}; absent (null) in format 1. */
  public static final List<String> PROOF_V2_MEMBERS =
      List.of("start_checkpoint", "boundary_consistency");

  /** The gateway's public key and the log's origin. */
  public static final String KEY = "gateway-key.json";

  /** Frontier, anchor checkpoint, consistency proofs and boundary witnesses. */
  public static final String PROOF = "proof.json";

  /** Every checkpoint signed inside the range, one signed note per line (JSON string). */
  public static final String CHECKPOINTS = "checkpoints.jsonl";

  /** The entries, one canonical JSON object per line, in leaf order. */
  public static final String ENTRIES = "entries.jsonl";

  /** Counts and file digests, canonical JSON, signed. */
  public static final String MANIFEST = "manifest.json";

  /** Ed25519 signature of {@code manifest.json}, lowercase hex. */
  public static final String MANIFEST_SIGNATURE = "manifest.sig";

  /** The files the manifest lists with their digests. */
  public static final List<String> DIGESTED = List.of(KEY, PROOF, CHECKPOINTS, ENTRIES);

  /**
   * {@code gateway-key.json}.
   *
   * @param origin the log's name in its checkpoints
   * @param publicKeyHex the Ed25519 key that signs checkpoints and the manifest, hex
   * @param peerId that key's PeerID
   */
  public record KeyFile(String origin, String publicKeyHex, String peerId) {}

  /**
   * {@code proof.json}: how the range of leaves {@code [first_leaf, end_leaf)} fits the anchor
   * checkpoint.
   *
   * @param treeSize the anchor checkpoint's size
   * @param anchor the anchor checkpoint (signed note); null only for an empty log
   * @param firstLeaf first leaf of the range
   * @param endLeaf leaf after the range
   * @param frontier the compact range of the leaves before {@code first_leaf}, hex
   * @param consistencyToAnchor consistency proof from {@code end_leaf} to the anchor, hex
   * @param startWitness format 1: the leaf before the range, recorded before the window; null if
   *     the range starts at 0, and always null in format 2
   * @param endWitness format 1: the leaf after the range, recorded at or after the window's end;
   *     null at the tree's end, and always null in format 2
   * @param previous consistency with the previous export; null if there was none
   * @param startCheckpoint format 2: the signed checkpoint of size {@code first_leaf} (whose root
   *     the frontier must give); null if {@code first_leaf} is 0, and in format 1
   * @param boundaryConsistency format 2: consistency proof from {@code first_leaf} to {@code
   *     end_leaf}, hex; null in format 1
   */
  public record ProofFile(
      long treeSize,
      @Nullable String anchor,
      long firstLeaf,
      long endLeaf,
      List<String> frontier,
      List<String> consistencyToAnchor,
      @Nullable Witness startWitness,
      @Nullable Witness endWitness,
      @Nullable Previous previous,
      @Nullable String startCheckpoint,
      @Nullable List<String> boundaryConsistency) {}

  /**
   * A boundary witness: one leaf with its inclusion proof in the anchor tree.
   *
   * @param leafIndex the leaf
   * @param entry the entry exactly as hashed; null if the database no longer holds it
   * @param inclusion inclusion proof in the anchor tree, hex
   */
  public record Witness(long leafIndex, @Nullable JsonNode entry, List<String> inclusion) {}

  /**
   * Consistency with the previous export.
   *
   * @param treeSize the previous export's anchor size
   * @param checkpoint that checkpoint; null if the log is now smaller
   * @param consistency consistency proof from it to the anchor, hex
   */
  public record Previous(long treeSize, @Nullable String checkpoint, List<String> consistency) {}

  /**
   * One line of {@code entries.jsonl}.
   *
   * @param entry the entry exactly as hashed (canonical JSON, schema 1)
   * @param leafHash the leaf hash the tree integrated, hex
   * @param leafIndex the entry's leaf index
   */
  public record EntryLine(JsonNode entry, String leafHash, long leafIndex) {

    /**
     * The line, newline included, from the entry's stored canonical bytes: the same bytes as {@link
     * #encode} of the record gives (members sorted {@code entry < leaf_hash < leaf_index}), without
     * parsing the entry again, as an export writes millions of these.
     */
    public static byte[] encode(byte[] canonicalEntry, String leafHash, long leafIndex) {
      byte[] head = "{\"entry\":".getBytes(StandardCharsets.US_ASCII);
      byte[] tail =
          (",\"leaf_hash\":\"" + leafHash + "\",\"leaf_index\":" + leafIndex + "}\n")
              .getBytes(StandardCharsets.US_ASCII);
      byte[] out = new byte[head.length + canonicalEntry.length + tail.length];
      System.arraycopy(head, 0, out, 0, head.length);
      System.arraycopy(canonicalEntry, 0, out, head.length, canonicalEntry.length);
      System.arraycopy(tail, 0, out, head.length + canonicalEntry.length, tail.length);
      return out;
    }
  }

  /**
   * {@code manifest.json}: what the bundle holds, signed in {@code manifest.sig}.
   *
   * @param format {@link #FORMAT} (or {@link #FORMAT_V1})
   * @param origin the log's name
   * @param publicKeyHex the signing key, hex
   * @param rangeBasis format 2: {@link #RANGE_TREE_SIZE} or {@link #RANGE_WINDOW}, how the range
   *     was asked for; null in format 1 (always a window)
   * @param windowFrom start of the window asked for, inclusive (entry time format); null for a
   *     range asked for by tree sizes
   * @param windowTo end of the window, exclusive; null for a range asked for by tree sizes
   * @param exportedAt when the bundle was written
   * @param exportedBy who asked for it
   * @param treeSize the anchor checkpoint's size
   * @param firstLeaf first leaf of the range (format 2: {@code from_size}, a checkpoint size or 0)
   * @param endLeaf leaf after the range (format 2: {@code to_size}, a checkpoint size)
   * @param entryCount lines of {@code entries.jsonl}
   * @param entriesInWindow entries recorded inside the window
   * @param checkpointCount lines of {@code checkpoints.jsonl}
   * @param notYetIntegrated entries of the window not in the anchor checkpoint
   * @param missingLeaves leaves of the range the database did not hold
   * @param complete whether every entry of the window is in the bundle
   * @param files size and digest of each file of {@link #DIGESTED}
   */
  public record Manifest(
      String format,
      String origin,
      String publicKeyHex,
      @Nullable String rangeBasis,
      @Nullable String windowFrom,
      @Nullable String windowTo,
      String exportedAt,
      String exportedBy,
      long treeSize,
      long firstLeaf,
      long endLeaf,
      long entryCount,
      long entriesInWindow,
      long checkpointCount,
      long notYetIntegrated,
      long missingLeaves,
      boolean complete,
      Map<String, FileDigest> files) {}

  /**
   * A file's entry in the manifest.
   *
   * @param bytes its length
   * @param sha256 its SHA-256, hex
   */
  public record FileDigest(long bytes, String sha256) {}

  private static final ObjectMapper JSON = ObjectMappers.records();

  private BundleFormat() {}

  /** The canonical bytes of one of the records above. */
  public static byte[] encode(Record document) {
    return CanonicalJson.encode(JSON.valueToTree(document));
  }

  /**
   * One line of {@code checkpoints.jsonl}: the signed note as a canonical JSON string, newline
   * included.
   */
  public static byte[] checkpointLine(String note) {
    byte[] text = CanonicalJson.encode(JsonNodeFactory.instance.textNode(note));
    byte[] out = java.util.Arrays.copyOf(text, text.length + 1);
    out[text.length] = '\n';
    return out;
  }

  /**
   * A format 1 document read as its format 2 record: the members format 2 added ({@code members})
   * are set to null where absent. Only for documents whose manifest says format 1.
   */
  public static JsonNode upgradeV1(JsonNode document, List<String> members) {
    if (!document.isObject()) {
      return document;
    }
    com.fasterxml.jackson.databind.node.ObjectNode copy =
        ((com.fasterxml.jackson.databind.node.ObjectNode) document).deepCopy();
    for (String member : members) {
      if (!copy.has(member)) {
        copy.putNull(member);
      }
    }
    return copy;
  }

  /**
   * Reads one of the records above from a parsed document.
   *
   * @throws IllegalArgumentException naming the first member that is missing, mistyped or unknown
   */
  public static <T extends Record> T decode(JsonNode document, Class<T> type) {
    try {
      return JSON.treeToValue(document, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      String message =
          e instanceof com.fasterxml.jackson.core.JsonProcessingException p
              ? p.getOriginalMessage()
              : e.getMessage();
      throw new IllegalArgumentException(firstLine(String.valueOf(message)), e);
    }
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
