package io.hsip.policygateway.audit.api;

import io.hsip.policygateway.audit.AuditProblems;
import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.audit.AuditConfig;
import io.hsip.policygateway.audit.AuditEntry;
import io.hsip.policygateway.audit.AuditIntegration;
import io.hsip.policygateway.audit.AuditLog;
import io.hsip.policygateway.audit.api.AuditViews.CheckpointView;
import io.hsip.policygateway.audit.api.AuditViews.ConsistencyView;
import io.hsip.policygateway.audit.api.AuditViews.EntryPage;
import io.hsip.policygateway.audit.api.AuditViews.EntryProofView;
import io.hsip.policygateway.audit.api.AuditViews.EntryView;
import io.hsip.policygateway.audit.bundle.BundleWriter;
import io.hsip.policygateway.audit.bundle.CsvExport;
import io.hsip.policygateway.audit.internal.AuditStorageException;
import io.hsip.policygateway.audit.internal.StoredCheckpoint;
import io.hsip.policygateway.audit.internal.StoredEntry;
import io.hsip.policygateway.audit.internal.SubjectKeys;
import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import io.hsip.policygateway.hsip.transparency.ProofBuilder;
import io.hsip.policygateway.hsip.transparency.SubjectKey;
import io.hsip.policygateway.hsip.transparency.TreeHasher;
import io.hsip.policygateway.identity.GatewayIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What auditors ask of the log beyond plain reads: proofs computed from the stored tree, pseudonymised search,
 * streamed exports, and erasure of a subject's pseudonymisation key (itself an audited admin change).
 */
@ApplicationScoped
public class AuditorService {

  private final AgroalDataSource dataSource;
  private final AuditIntegration integration;
  private final GatewayIdentity identity;
  private final AuditConfig config;
  private final AuditLog log;
  private final Clock clock;

  AuditorService(AgroalDataSource dataSource, AuditIntegration integration, GatewayIdentity identity,
      AuditConfig config, AuditLog log, Clock clock) {
    this.dataSource = dataSource;
    this.integration = integration;
    this.identity = identity;
    this.config = config;
    this.log = log;
    this.clock = clock;
  }

  /** Entries matching the filter (a subject PeerID is matched by its pseudonym), newest first. */
  public EntryPage search(StoredEntry.Filter filter, @Nullable String peerId, @Nullable Long before, int limit) {
    StoredEntry.Filter effective = filter;
    if (peerId != null) {
      Optional<SubjectKey> key = withConnection(c -> SubjectKeys.find(c, peerId));
      if (key.isEmpty()) {
        // No key: the peer never appeared, or its key was destroyed on an erasure request.
        return new EntryPage(List.of(), null);
      }
      effective = new StoredEntry.Filter(filter.from(), filter.to(), filter.kind(), key.get().pseudonym(peerId),
          filter.outcome(), filter.policyVersion(), filter.actor());
    }
    List<StoredEntry> rows = StoredEntry.listAllWhere(effective, before, limit + 1);
    boolean more = rows.size() > limit;
    List<EntryView> page = rows.stream().limit(limit).map(EntryView::from).toList();
    return new EntryPage(page, more ? page.get(page.size() - 1).seq() : null);
  }

  /** Entry {@code seq} with its inclusion proof against the checkpoint of {@code treeSize} (default: latest). */
  public EntryProofView entryWithProof(long seq, @Nullable Long treeSize) {
    StoredEntry entry = StoredEntry.findBySeq(seq)
        .orElseThrow(() -> AuditProblems.NOT_FOUND.exception("There is no audit entry with seq " + seq + "."));
    if (entry.leafIndex == null) {
      throw AuditProblems.PROOF_UNAVAILABLE.exception("Entry " + seq + " is not yet integrated into a signed checkpoint.");
    }
    StoredCheckpoint checkpoint = checkpoint(treeSize);
    if (entry.leafIndex >= checkpoint.treeSize) {
      throw AuditProblems.PROOF_UNAVAILABLE.exception("Entry " + seq + " (leaf " + entry.leafIndex
          + ") is not in the checkpoint of tree size " + checkpoint.treeSize + ".");
    }
    long leaf = entry.leafIndex;
    List<byte[]> path = withConnection(c -> new ProofBuilder(integration.tiles().reader(c)).inclusion(leaf, checkpoint.treeSize));
    return new EntryProofView(seq, leaf, CanonicalJson.parseObject(entry.body),
        LowerHex.encode(TreeHasher.leaf(entry.body)), checkpoint.treeSize, LowerHex.encode(checkpoint.rootHash),
        checkpoint.note, hex(path));
  }

  /** The consistency proof between two signed checkpoints. */
  public ConsistencyView consistency(long first, long second) {
    if (first > second) {
      throw AuditProblems.INVALID_QUERY.exception("`first` (" + first + ") must not be larger than `second` (" + second + ").");
    }
    StoredCheckpoint a = checkpoint(first);
    StoredCheckpoint b = checkpoint(second);
    List<byte[]> proof = withConnection(c -> new ProofBuilder(integration.tiles().reader(c)).consistency(first, second));
    return new ConsistencyView(CheckpointView.from(a), CheckpointView.from(b), hex(proof));
  }

  /** The signing key now; fails with 503 while there is none, before anything is streamed. */
  public SigningKey signingKey() {
    return identity.signingKey();
  }

  /** Streams the export bundle of the window to {@code out}. */
  public BundleWriter.Summary export(BundleWriter.Request request, SigningKey key, OutputStream out) throws IOException {
    return new BundleWriter(dataSource, integration.tiles(), integration.integrator(), key, config.origin(), clock, config.export().pageSize())
        .write(request, out);
  }

  /** Streams the CSV view of the window to {@code out}. */
  public long csv(Instant from, Instant to, OutputStream out) throws IOException {
    return CsvExport.write(dataSource, from, to, config.export().pageSize(), out);
  }

  /**
   * Destroys the pseudonymisation key of {@code peerId}: its entries stay in the log and verify, but can no
   * longer be linked to the PeerID. The erasure is audited first (fail closed: no audit record, no erasure).
   *
   * @return whether the subject had a key
   */
  public boolean eraseSubject(String peerId, String actor) {
    log.append(AuditEntry.adminChange(actor, "audit.subject.erase").outcome("requested").build());
    return withConnection(c -> SubjectKeys.destroy(c, peerId));
  }

  private StoredCheckpoint checkpoint(@Nullable Long treeSize) {
    if (treeSize == null) {
      return StoredCheckpoint.findLatest()
          .orElseThrow(() -> AuditProblems.PROOF_UNAVAILABLE.exception("No checkpoint has been signed yet."));
    }
    return StoredCheckpoint.findBySize(treeSize)
        .orElseThrow(() -> AuditProblems.NOT_FOUND.exception("There is no checkpoint of tree size " + treeSize + "."));
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
