package io.hsip.policygateway.audit;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.audit.AuditViews.CheckpointPage;
import io.hsip.policygateway.audit.AuditViews.CheckpointView;
import io.hsip.policygateway.audit.AuditViews.ConsistencyView;
import io.hsip.policygateway.audit.AuditViews.EntryPage;
import io.hsip.policygateway.audit.AuditViews.EntryProofView;
import io.hsip.policygateway.audit.AuditViews.EntryView;
import io.hsip.policygateway.audit.AuditViews.PublicKeyView;
import io.hsip.policygateway.audit.internal.AuditStorageException;
import io.hsip.policygateway.audit.internal.SubjectKekException;
import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.transparency.ProofBuilder;
import io.hsip.policygateway.hsip.transparency.SubjectKey;
import io.hsip.policygateway.hsip.transparency.TreeHasher;
import io.hsip.policygateway.identity.GatewayIdentity;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The read side of the audit log, as view records, for the REST API and the console alike: searched
 * entries, one entry with its inclusion proof, checkpoints, consistency proofs and the key that
 * signs them.
 */
@ApplicationScoped
public class AuditReader {

  private final AgroalDataSource dataSource;
  private final AuditIntegration integration;
  private final GatewayIdentity identity;
  private final AuditConfig config;
  private final SubjectKeyEncryption subjectKeys;

  AuditReader(
      AgroalDataSource dataSource,
      AuditIntegration integration,
      GatewayIdentity identity,
      AuditConfig config,
      SubjectKeyEncryption subjectKeys) {
    this.dataSource = dataSource;
    this.subjectKeys = subjectKeys;
    this.integration = integration;
    this.identity = identity;
    this.config = config;
  }

  /**
   * A page of entries matching {@code query} (a subject PeerID is matched by its pseudonym), by
   * descending {@code seq} (see {@link EntryQuery} for why that is not a time order).
   */
  public EntryPage search(EntryQuery query) {
    String subject = null;
    if (query.peer() != null) {
      String peer = query.peer();
      subjectKeys.requireAvailable();
      Optional<SubjectKey> key;
      try {
        key = withConnection(c -> subjectKeys.subjectKeys().find(c, peer));
      } catch (SubjectKekException e) {
        Log.errorf("A search by PeerID failed closed: %s", e.getMessage());
        throw SubjectKeyEncryption.unavailable();
      }
      if (key.isEmpty()) {
        // No key: the peer never appeared, or its key was destroyed on an erasure request.
        return new EntryPage(List.of(), null);
      }
      subject = key.get().pseudonym(peer);
    }
    StoredEntry.Filter filter =
        new StoredEntry.Filter(
            query.from(),
            query.to(),
            query.kind() == null ? null : query.kind().wire(),
            subject,
            query.outcome(),
            query.reason(),
            query.policyVersion(),
            query.actor());
    List<StoredEntry> rows = StoredEntry.listAllWhere(filter, query.before(), query.limit() + 1);
    boolean more = rows.size() > query.limit();
    List<EntryView> page =
        rows.stream()
            .limit(query.limit())
            .map(
                stored ->
                    new EntryView(
                        stored.seq, stored.leafIndex, CanonicalJson.parseObject(stored.body)))
            .toList();
    return new EntryPage(page, more ? page.get(page.size() - 1).seq() : null);
  }

  /**
   * The pseudonyms the log uses for {@code peerIds}, mapped back to the PeerIDs: only for PeerIDs
   * that have a subject key (a PeerID that never appeared, or whose key was erased, has no
   * pseudonym). Fails with a 503 problem while no usable KEK is loaded.
   */
  public Map<String, String> peersByPseudonym(Collection<String> peerIds) {
    if (peerIds.isEmpty()) {
      return Map.of();
    }
    subjectKeys.requireAvailable();
    Map<String, SubjectKey> keys;
    try {
      keys = withConnection(c -> subjectKeys.subjectKeys().findAll(c, peerIds));
    } catch (SubjectKekException e) {
      Log.errorf("Reading subject keys failed closed: %s", e.getMessage());
      throw SubjectKeyEncryption.unavailable();
    }
    Map<String, String> peers = new HashMap<>();
    keys.forEach((peer, key) -> peers.put(key.pseudonym(peer), peer));
    return peers;
  }

  /**
   * Entry {@code seq} with its inclusion proof against the checkpoint of {@code treeSize} (default:
   * latest).
   */
  public EntryProofView entryWithProof(long seq, @Nullable Long treeSize) {
    StoredEntry entry =
        StoredEntry.findBySeq(seq)
            .orElseThrow(
                () ->
                    AuditProblems.NOT_FOUND.exception(
                        "There is no audit entry with seq " + seq + "."));
    if (entry.leafIndex == null) {
      throw AuditProblems.PROOF_UNAVAILABLE.exception(
          "Entry " + seq + " is not yet integrated into a signed checkpoint.");
    }
    StoredCheckpoint checkpoint =
        treeSize == null
            ? StoredCheckpoint.findLatest()
                .orElseThrow(
                    () ->
                        AuditProblems.PROOF_UNAVAILABLE.exception(
                            "No checkpoint has been signed yet."))
            : signed(treeSize);
    if (entry.leafIndex >= checkpoint.treeSize) {
      throw AuditProblems.PROOF_UNAVAILABLE.exception(
          "Entry "
              + seq
              + " (leaf "
              + entry.leafIndex
              + ") is not in the checkpoint of tree size "
              + checkpoint.treeSize
              + ".");
    }
    long leaf = entry.leafIndex;
    List<byte[]> path =
        withConnection(
            c ->
                new ProofBuilder(integration.tiles().reader(c))
                    .inclusion(leaf, checkpoint.treeSize));
    return new EntryProofView(
        seq,
        leaf,
        CanonicalJson.parseObject(entry.body),
        LowerHex.encode(TreeHasher.leaf(entry.body)),
        checkpoint.treeSize,
        LowerHex.encode(checkpoint.rootHash),
        checkpoint.note,
        hex(path));
  }

  /** The latest signed checkpoint, if any was signed yet. */
  public Optional<CheckpointView> findLatestCheckpoint() {
    return StoredCheckpoint.findLatest().map(AuditReader::view);
  }

  /** The checkpoint of exactly {@code treeSize} leaves. */
  public Optional<CheckpointView> findCheckpointBySize(long treeSize) {
    return StoredCheckpoint.findBySize(treeSize).map(AuditReader::view);
  }

  /** Up to {@code limit} checkpoints smaller than {@code before} (any if null), newest first. */
  public CheckpointPage checkpoints(@Nullable Long before, int limit) {
    EntryQuery.requireLimit(limit);
    List<StoredCheckpoint> rows = StoredCheckpoint.listAllBefore(before, limit + 1);
    List<CheckpointView> page = rows.stream().limit(limit).map(AuditReader::view).toList();
    return new CheckpointPage(
        page, rows.size() > limit ? page.get(page.size() - 1).treeSize() : null);
  }

  /** The consistency proof between two signed checkpoints. */
  public ConsistencyView consistency(long first, long second) {
    if (first > second) {
      throw AuditProblems.INVALID_QUERY.exception(
          "`first` (" + first + ") must not be larger than `second` (" + second + ").");
    }
    StoredCheckpoint a = signed(first);
    StoredCheckpoint b = signed(second);
    List<byte[]> proof =
        withConnection(
            c -> new ProofBuilder(integration.tiles().reader(c)).consistency(first, second));
    return new ConsistencyView(view(a), view(b), hex(proof));
  }

  /** The key that signs checkpoints and bundle manifests; fails with 503 while there is none. */
  public PublicKeyView publicKey() {
    SigningKey key = identity.signingKey();
    return new PublicKeyView(config.origin(), key.publicKey().hex(), key.peerId().value());
  }

  private static StoredCheckpoint signed(long treeSize) {
    return StoredCheckpoint.findBySize(treeSize)
        .orElseThrow(
            () ->
                AuditProblems.NOT_FOUND.exception(
                    "There is no checkpoint of tree size " + treeSize + "."));
  }

  private static CheckpointView view(StoredCheckpoint stored) {
    return new CheckpointView(
        stored.treeSize,
        LowerHex.encode(stored.rootHash),
        EntryFormat.formatTime(stored.signedAt),
        stored.note);
  }

  private static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(LowerHex::encode).toList();
  }

  @FunctionalInterface
  private interface SqlFunction<T> {
    T apply(Connection connection) throws SQLException;
  }

  private <T> T withConnection(SqlFunction<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.apply(connection);
    } catch (SQLException e) {
      throw new AuditStorageException("cannot read the audit log", e);
    }
  }
}
