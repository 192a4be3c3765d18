package io.hsip.policygateway.audit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.audit.AuditEntry;
import io.hsip.policygateway.audit.EntryFormat;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.transparency.Checkpoint;
import io.hsip.policygateway.hsip.transparency.Checkpoints;
import io.hsip.policygateway.hsip.transparency.ConsistencyProofVerifier;
import io.hsip.policygateway.hsip.transparency.EntryMacKey;
import io.hsip.policygateway.hsip.transparency.ProofBuilder;
import io.hsip.policygateway.hsip.transparency.ProofException;
import io.hsip.policygateway.hsip.transparency.TreeHasher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Folds committed entries into the tree and signs a checkpoint, one round per transaction.
 *
 * <p>Exactly one integrator runs at a time across all replicas: each round first takes the
 * transaction-level advisory lock {@link #LOCK_KEY}, and a replica that does not get it skips the
 * round. Leaf indexes are assigned here, not at append time: a round takes the committed, not yet
 * integrated entries in ascending {@code seq} and numbers them from the current tree size on.
 * Sequence numbers of rolled-back transactions never appear and so are skipped; an entry that
 * commits late (a smaller {@code seq} than entries already integrated) gets a leaf in the next
 * round. The assignment is stored with the entry and committed atomically with the tiles and the
 * signed checkpoint, so it never changes afterwards. Before signing, a round checks with a
 * consistency proof that the new tree extends the latest signed checkpoint, and refuses otherwise
 * ({@link TreeInconsistencyException}).
 *
 * <p>Nothing is folded in that the gateway did not write, unchanged: before numbering a pending
 * entry the round verifies its MAC ({@link EntryMac}, under the key derived from the signing key)
 * and that its columns agree with its hashed body, and it checks that no row carries a leaf index
 * outside the signed tree. A row that fails is <em>refused</em>: it is never integrated nor signed,
 * the others go on, and the refusal is recorded once, in the log itself, as an authenticated {@code
 * admin-change} entry by {@link #REFUSAL_ACTOR} ({@code action} {@link #REFUSAL_ACTION}, details
 * {@code refused_seq} and {@code reason}), and reported to the {@link RefusalListener} (log line,
 * metric). {@link #unauthenticated()} tells readiness which refused rows are still present.
 */
public final class TreeIntegrator {

  /** The advisory lock that serialises integration: "HSIPAUDT". */
  public static final long LOCK_KEY = 0x4853495041554454L;

  /** The actor of the entries that record a refused row. */
  public static final String REFUSAL_ACTOR = "audit-integrator";

  /** The action of the entries that record a refused row. */
  public static final String REFUSAL_ACTION = "audit.entry.refuse";

  /** Told about each row refused (once per row, when its refusal entry is written). */
  public interface RefusalListener {
    /**
     * The row {@code seq} was refused for {@code reason} (names no secret); it is never integrated.
     */
    void refused(long seq, String reason);
  }

  /** Rows refused and still present: not integrated into the signed tree. */
  public record Unauthenticated(long count, long firstSeq) {}

  private static final String COLUMNS =
      "seq, recorded_at, kind, actor, subject, outcome, policy_version, trace_id, body, mac, mac_key_id";

  private static final String PENDING =
      "SELECT " + COLUMNS + " FROM audit_entry WHERE leaf_index IS NULL ORDER BY seq";

  private static final String ASSIGN =
      """
      UPDATE audit_entry e SET leaf_index = u.leaf
      FROM unnest(?::bigint[], ?::bigint[]) AS u(seq, leaf)
      WHERE e.seq = u.seq AND e.leaf_index IS NULL
      """;

  private static final String REFUSALS =
      "SELECT "
          + COLUMNS
          + " FROM audit_entry WHERE actor = '"
          + REFUSAL_ACTOR
          + "' AND kind = 'admin-change'";

  private final DataSource dataSource;
  private final TileStore tiles;
  private final Supplier<SigningKey> key;
  private final Supplier<EntryMacKey> macKey;
  private final String origin;
  private final Clock clock;
  private final int maxBatch;
  private final RefusalListener listener;

  /**
   * Authenticated refusal entries seen so far: the entry's {@code seq} to the refused row's. Each
   * is verified once; entries that do not verify are never added (a forged refusal hides nothing).
   */
  private final Map<Long, Long> refusals = new ConcurrentHashMap<>();

  /** The refused rows' {@code seq}s (the values of {@link #refusals}). */
  private final Set<Long> refused = ConcurrentHashMap.newKeySet();

  /** Leaf indexes {@code [0, denseUpTo)} were counted and found dense by this process. */
  private volatile long denseUpTo;

  /**
   * The latest checkpoint's tree size as this process first saw it, and when (for a clock that is
   * behind).
   */
  private volatile long seenSize = -1;

  private volatile long seenNanos;

  /** An integrator signing with the key {@code key} supplies (which may throw if there is none). */
  public TreeIntegrator(
      DataSource dataSource,
      TileStore tiles,
      Supplier<SigningKey> key,
      String origin,
      Clock clock,
      int maxBatch) {
    this(dataSource, tiles, key, origin, clock, maxBatch, (seq, reason) -> {});
  }

  /**
   * An integrator signing with the key {@code key} supplies (which may throw if there is none), and
   * verifying entries with the MAC key derived from it; {@code listener} hears of refused rows.
   */
  public TreeIntegrator(
      DataSource dataSource,
      TileStore tiles,
      Supplier<SigningKey> key,
      String origin,
      Clock clock,
      int maxBatch,
      RefusalListener listener) {
    this.dataSource = dataSource;
    this.tiles = tiles;
    this.key = key;
    this.macKey = EntryMac.keys(key);
    this.origin = origin;
    this.clock = clock;
    this.maxBatch = maxBatch;
    this.listener = listener;
  }

  /**
   * Integrates the backlog pending when called: rounds run while an entry that was pending then (by
   * its {@code seq}, so a late commit of an older number counts too) is still pending, and at most
   * one round more than that backlog needs. A caller under steady traffic (an export) is so not
   * kept running rounds, and signing a checkpoint each, for entries that keep arriving meanwhile.
   *
   * @param wait whether to wait for the lock (tests, tools) instead of leaving the work to its
   *     holder
   * @return the last checkpoint signed, if any round ran
   */
  public Optional<Checkpoint> integratePending(boolean wait) {
    Backlog backlog = backlog(Long.MAX_VALUE);
    long rounds = (backlog.count() + maxBatch - 1) / maxBatch + 1;
    long upTo = backlog.maxSeq();
    Optional<Checkpoint> last = Optional.empty();
    for (long i = 0; i < rounds && backlog(upTo).count() > 0; i++) {
      Optional<Checkpoint> round = integrateOnce(wait);
      if (round.isEmpty()) {
        break;
      }
      last = round;
    }
    return last;
  }

  /** Pending entries numbered up to {@code upTo}: how many, and the highest number. */
  private record Backlog(long count, long maxSeq) {}

  private Backlog backlog(long upTo) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT count(*), coalesce(max(seq), -1) FROM audit_entry WHERE leaf_index IS NULL AND seq <= ?")) {
      select.setLong(1, upTo);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return new Backlog(rows.getLong(1), rows.getLong(2));
      }
    } catch (SQLException e) {
      throw new AuditStorageException("audit integration failed", e);
    }
  }

  /**
   * One round: at most {@code maxBatch} entries, one signed checkpoint.
   *
   * @return the new checkpoint, or empty when nothing was pending or another replica holds the lock
   */
  public Optional<Checkpoint> integrateOnce(boolean wait) {
    return integrate(wait, null);
  }

  /**
   * One round of the background loop, if one is due: when the latest checkpoint (by whichever
   * replica) was signed at least {@code minInterval} ago, so that an idle log is checkpointed at
   * once, or when a full batch is pending, so that the log never falls behind. Otherwise, under
   * sustained load, entries wait for the interval: a checkpoint per round would cost a signature
   * and a row per round for nothing.
   *
   * @return the new checkpoint, or empty when none was due, nothing was pending or another replica
   *     holds the lock
   */
  public Optional<Checkpoint> integrateIfDue(Duration minInterval) {
    return integrate(false, minInterval);
  }

  private Optional<Checkpoint> integrate(boolean wait, @Nullable Duration minInterval) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        Optional<Checkpoint> result = round(connection, wait, minInterval);
        // Also without a checkpoint: the round may have recorded refused rows.
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new AuditStorageException("audit integration failed", e);
    }
  }

  private Optional<Checkpoint> round(
      Connection connection, boolean wait, @Nullable Duration minInterval) throws SQLException {
    if (!lock(connection, wait)) {
      return Optional.empty();
    }
    // A checkpoint handed out and then lost in a crash would later look like a fork: commit it
    // durably even where the server default is synchronous_commit = off.
    try (Statement durable = connection.createStatement()) {
      durable.execute("SELECT " + EntryWriter.DURABLE_COMMIT);
    }
    @Nullable Latest latest = latest(connection);
    long size = latest == null ? 0 : latest.treeSize();
    // Without the key nothing can be verified, so nothing is integrated (the round fails).
    EntryMacKey mac = macKey.get();
    Map<Long, String> bad = new LinkedHashMap<>();
    long blocked = misplaced(connection, mac, size, bad);
    if (minInterval != null && latest != null && !due(connection, latest, minInterval)) {
      refuse(connection, mac, bad);
      return Optional.empty();
    }
    // A row parked on a leaf index this round would assign stops the round short of it.
    long limit = Math.min(maxBatch, blocked - size);
    List<Long> seqs = new ArrayList<>();
    List<byte[]> leaves = new ArrayList<>();
    if (limit > 0) {
      pending(connection, mac, limit, seqs, leaves, bad);
    }
    refuse(connection, mac, bad);
    if (leaves.isEmpty()) {
      return Optional.empty();
    }
    assign(connection, size, seqs);
    tiles.append(connection, size, leaves);
    long newSize = size + leaves.size();
    ProofBuilder proofs = new ProofBuilder(tiles.reader(connection));
    byte[] root = proofs.root(newSize);
    if (latest != null && size > 0) {
      // Never sign a tree that does not extend what was signed: the stored tiles could have been
      // altered.
      try {
        ConsistencyProofVerifier.verify(
            size, newSize, latest.rootHash(), root, proofs.consistency(size, newSize));
      } catch (ProofException e) {
        throw new TreeInconsistencyException(
            "refusing to sign tree size "
                + newSize
                + ": it is not an extension of"
                + " the signed checkpoint of tree size "
                + size
                + ": "
                + e.getMessage(),
            e);
      }
    }
    // Checkpoint times never go back, even if the clock steps back: verifiers reject a checkpoint
    // signed before the one it follows.
    long timeMs = latest == null ? clock.millis() : Math.max(clock.millis(), latest.timeMs());
    Instant now = Instant.ofEpochMilli(timeMs);
    Checkpoint checkpoint = Checkpoint.create(origin, newSize, root, timeMs);
    String note = Checkpoints.sign(checkpoint, key.get());
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO audit_checkpoint (tree_size, root_hash, signed_at, note) VALUES (?, ?, ?, ?)")) {
      insert.setLong(1, newSize);
      insert.setBytes(2, root);
      insert.setTimestamp(3, Timestamp.from(now));
      insert.setString(4, note);
      insert.executeUpdate();
    }
    seenNanos = System.nanoTime();
    seenSize = newSize;
    return Optional.of(checkpoint);
  }

  /**
   * Rows whose leaf index lies outside the signed tree of {@code size} leaves: the integrator never
   * set it (it assigns indexes and signs in one transaction), so someone else did, to hide the row
   * from integration or to reorder it. Each is added to {@code bad} unless already refused; the
   * reason says whether the row itself is genuine (its MAC verifies), because a genuine entry
   * hidden this way must be restored (its {@code leaf_index} set back to NULL by the owner) and
   * then integrates, while a forged one is removed.
   *
   * @return the smallest such index at or above {@code size} (this round must stop short of it), or
   *     {@link Long#MAX_VALUE}
   */
  private long misplaced(Connection connection, EntryMacKey mac, long size, Map<Long, String> bad)
      throws SQLException {
    long blocked = Long.MAX_VALUE;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT "
                + COLUMNS
                + ", leaf_index FROM audit_entry WHERE leaf_index < 0 OR leaf_index >= ?"
                + " ORDER BY leaf_index")) {
      select.setLong(1, size);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          Row row = row(rows);
          long seq = row.fields().seq();
          long leaf = rows.getLong(12);
          if (leaf >= size) {
            blocked = Math.min(blocked, leaf);
          }
          if (!refused.contains(seq)) {
            @Nullable String problem = EntryMac.problem(mac, row.fields(), row.mac(), row.keyId());
            bad.putIfAbsent(
                seq,
                "leaf_index was set to "
                    + leaf
                    + " outside integration (the signed tree has "
                    + size
                    + " leaves); "
                    + (problem == null
                        ? "the row is genuine (its MAC verifies): restore it, do not delete it"
                        : "the row is not genuine either: " + problem));
          }
        }
      }
    }
    return blocked;
  }

  /**
   * Reads pending rows in ascending {@code seq} until {@code limit} of them verify: their {@code
   * seq}s and leaf hashes go to {@code seqs} and {@code leaves}, the rows that fail to {@code bad}.
   * Rows already refused are skipped unless they now verify (a genuine entry restored after it was
   * hidden). The leaf hash is computed from the body that was verified, so a row changed after this
   * read no longer matches its leaf (the offline verifier reports it).
   */
  private void pending(
      Connection connection,
      EntryMacKey mac,
      long limit,
      List<Long> seqs,
      List<byte[]> leaves,
      Map<Long, String> bad)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(PENDING)) {
      select.setFetchSize(1000);
      try (ResultSet rows = select.executeQuery()) {
        while (seqs.size() < limit && rows.next()) {
          Row row = row(rows);
          if (bad.containsKey(row.fields().seq())) {
            continue;
          }
          @Nullable String problem = EntryMac.problem(mac, row.fields(), row.mac(), row.keyId());
          if (problem != null) {
            if (!refused.contains(row.fields().seq())) {
              bad.put(row.fields().seq(), problem);
            }
            continue;
          }
          // A genuine row, even one refused before: a hidden entry (leaf_index parked outside the
          // tree) that the owner restored to pending is integrated like any other.
          seqs.add(row.fields().seq());
          leaves.add(TreeHasher.leaf(row.fields().body()));
        }
      }
    }
  }

  /** Numbers {@code seqs} (ascending) from {@code size} on. */
  private static void assign(Connection connection, long size, List<Long> seqs)
      throws SQLException {
    Long[] leaf = new Long[seqs.size()];
    for (int i = 0; i < leaf.length; i++) {
      leaf[i] = size + i;
    }
    int updated;
    try (PreparedStatement assign = connection.prepareStatement(ASSIGN)) {
      assign.setArray(1, connection.createArrayOf("bigint", seqs.toArray()));
      assign.setArray(2, connection.createArrayOf("bigint", leaf));
      updated = assign.executeUpdate();
    }
    if (updated != seqs.size()) {
      throw new AuditStorageException(
          "pending audit entries changed while they were being integrated; the round is retried");
    }
  }

  /** One stored row as the MAC covers it. */
  private record Row(EntryMac.Fields fields, byte @Nullable [] mac, @Nullable String keyId) {}

  private static Row row(ResultSet rows) throws SQLException {
    return new Row(
        new EntryMac.Fields(
            rows.getLong(1),
            rows.getObject(2, OffsetDateTime.class).toInstant(),
            rows.getString(3),
            rows.getString(4),
            rows.getString(5),
            rows.getString(6),
            rows.getString(7),
            rows.getString(8),
            rows.getBytes(9)),
        rows.getBytes(10),
        rows.getString(11));
  }

  /**
   * Records each row of {@code bad} not yet refused: an authenticated refusal entry in the log (in
   * this round's transaction, so it commits with it and is integrated by the next round), then the
   * listener. Refusals already in the log (written by another replica, or before a restart) are not
   * written again.
   */
  private void refuse(Connection connection, EntryMacKey mac, Map<Long, String> bad)
      throws SQLException {
    if (bad.isEmpty()) {
      return;
    }
    loadRefusals(connection, mac);
    for (Map.Entry<Long, String> row : bad.entrySet()) {
      long seq = row.getKey();
      if (refused.contains(seq)) {
        continue;
      }
      long entrySeq = insertRefusal(connection, mac, seq, row.getValue());
      refusals.put(entrySeq, seq);
      refused.add(seq);
      listener.refused(seq, row.getValue());
    }
  }

  private long insertRefusal(Connection connection, EntryMacKey mac, long seq, String reason)
      throws SQLException {
    AuditEntry entry =
        AuditEntry.adminChange(REFUSAL_ACTOR, REFUSAL_ACTION)
            .outcome("refused")
            .detail("refused_seq", Long.toString(seq))
            .detail("reason", reason)
            .build();
    Instant time = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    // The seq comes from the sequence first: it is part of the body and of the MAC.
    long entrySeq;
    try (Statement next = connection.createStatement();
        ResultSet rows = next.executeQuery("SELECT nextval('audit_entry_seq')")) {
      rows.next();
      entrySeq = rows.getLong(1);
    }
    byte[] body = EntryFormat.encode(entry, entrySeq, time, null);
    EntryMac.Fields fields =
        new EntryMac.Fields(
            entrySeq,
            time,
            entry.kind().wire(),
            entry.actor(),
            null,
            entry.outcome(),
            null,
            null,
            body);
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO audit_entry (seq, recorded_at, kind, actor, outcome, body, mac, mac_key_id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setLong(1, entrySeq);
      insert.setTimestamp(2, Timestamp.from(time));
      insert.setString(3, fields.kind());
      insert.setString(4, fields.actor());
      insert.setString(5, fields.outcome());
      insert.setBytes(6, body);
      insert.setBytes(7, EntryMac.mac(mac, fields));
      insert.setString(8, mac.keyId());
      insert.executeUpdate();
    }
    return entrySeq;
  }

  /**
   * Adds the authenticated refusal entries in the log that are not known yet. An entry by {@link
   * #REFUSAL_ACTOR} whose MAC does not verify is ignored here (and refused like any other row).
   */
  private void loadRefusals(Connection connection, EntryMacKey mac) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(REFUSALS);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        if (refusals.containsKey(rows.getLong(1))) {
          continue;
        }
        Row row = row(rows);
        if (row.mac() == null
            || EntryMac.problem(mac, row.fields(), row.mac(), row.keyId()) != null) {
          continue;
        }
        JsonNode body = CanonicalJson.parseObject(row.fields().body());
        JsonNode refusedSeq = body.path("details").path("refused_seq");
        if (!REFUSAL_ACTION.equals(body.path("action").asText()) || !refusedSeq.isTextual()) {
          continue;
        }
        try {
          long seq = Long.parseLong(refusedSeq.asText());
          refusals.put(row.fields().seq(), seq);
          refused.add(seq);
        } catch (NumberFormatException e) {
          // Not written by this code: ignore.
        }
      }
    }
  }

  /**
   * The refused rows still present and not in the signed tree (pending, or parked on a leaf index
   * outside it), per the authenticated refusal entries in the log: what readiness reports until an
   * operator has investigated and removed them.
   *
   * @throws RuntimeException if there is no key (nothing can be verified) or no database
   */
  public Unauthenticated unauthenticated() {
    EntryMacKey mac = macKey.get();
    try (Connection connection = dataSource.getConnection()) {
      loadRefusals(connection, mac);
      if (refused.isEmpty()) {
        return new Unauthenticated(0, 0);
      }
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT count(*), coalesce(min(seq), 0) FROM audit_entry WHERE seq = ANY(?)"
                  + " AND (leaf_index IS NULL OR leaf_index < 0 OR leaf_index >="
                  + " (SELECT coalesce(max(tree_size), 0) FROM audit_checkpoint))")) {
        select.setArray(1, connection.createArrayOf("bigint", refused.toArray()));
        try (ResultSet rows = select.executeQuery()) {
          rows.next();
          return new Unauthenticated(rows.getLong(1), rows.getLong(2));
        }
      }
    } catch (SQLException e) {
      throw new AuditStorageException("cannot read the audit log", e);
    }
  }

  /** The latest checkpoint as the round starts. */
  private record Latest(long treeSize, byte[] rootHash, long timeMs) {}

  private boolean due(Connection connection, Latest latest, Duration minInterval)
      throws SQLException {
    long elapsed = clock.millis() - latest.timeMs();
    if (elapsed >= minInterval.toMillis()) {
      return true;
    }
    // The clock is behind the latest checkpoint (it stepped back, or the replica that signed it
    // runs ahead): measure from when this process first saw that checkpoint instead, so that
    // checkpoints neither stall until the clock catches up nor come every round.
    if (elapsed < 0) {
      long now = System.nanoTime();
      if (latest.treeSize() != seenSize) {
        seenSize = latest.treeSize();
        seenNanos = now;
      }
      if (now - seenNanos >= minInterval.toNanos()) {
        return true;
      }
    }
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT count(*) FROM (SELECT 1 FROM audit_entry WHERE leaf_index IS NULL LIMIT ?) p")) {
      select.setInt(1, maxBatch);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1) >= maxBatch;
      }
    }
  }

  /**
   * The latest checkpoint, which must agree with the leaf indexes already assigned; null if there
   * is none. Its time is rounded up to the millisecond, as checkpoint times are milliseconds.
   */
  private @Nullable Latest latest(Connection connection) throws SQLException {
    Latest latest = null;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT c.tree_size, c.root_hash, c.signed_at"
                + " FROM (SELECT 1) one LEFT JOIN LATERAL"
                + " (SELECT tree_size, root_hash, signed_at FROM audit_checkpoint ORDER BY tree_size DESC LIMIT 1) c"
                + " ON true")) {
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        long size = rows.getLong(1);
        if (!rows.wasNull()) {
          Instant signed = rows.getTimestamp(3).toInstant();
          long ms = signed.toEpochMilli() + (signed.getNano() % 1_000_000 == 0 ? 0 : 1);
          latest = new Latest(size, rows.getBytes(2), ms);
        }
      }
    }
    dense(connection, latest == null ? 0 : latest.treeSize());
    return latest;
  }

  /**
   * Checks that the rows with leaf indexes inside the signed tree of {@code signed} leaves fill it
   * without a gap: the lowest is 0, the highest {@code signed - 1} (both from the index, every
   * round), and their count is right (counted once per process, then only for the leaves added
   * since). A gap means integrated rows were deleted or moved out (rows moved out are refused by
   * {@link #misplaced}); the log cannot go on from there without an investigation.
   *
   * @throws TreeInconsistencyException if there is a gap
   */
  private void dense(Connection connection, long signed) throws SQLException {
    long from = denseUpTo <= signed ? denseUpTo : 0;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT coalesce(min(leaf_index), 0), coalesce(max(leaf_index) + 1, 0),"
                + " (SELECT count(*) FROM audit_entry WHERE leaf_index >= ? AND leaf_index < ?)"
                + " FROM audit_entry WHERE leaf_index >= 0 AND leaf_index < ?")) {
      select.setLong(1, from);
      select.setLong(2, signed);
      select.setLong(3, signed);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        long min = rows.getLong(1);
        long end = rows.getLong(2);
        long count = rows.getLong(3);
        if (min != 0 || end != signed || count != signed - from) {
          throw new TreeInconsistencyException(
              "audit tree is inconsistent: the latest checkpoint has "
                  + signed
                  + " leaves but the stored leaf indexes inside it run from "
                  + min
                  + " to "
                  + end
                  + " with "
                  + (signed - from - count)
                  + " missing; integration stops until this is investigated");
        }
      }
    }
    denseUpTo = signed;
  }

  private static boolean lock(Connection connection, boolean wait) throws SQLException {
    String sql =
        wait ? "SELECT true FROM pg_advisory_xact_lock(?)" : "SELECT pg_try_advisory_xact_lock(?)";
    try (PreparedStatement lock = connection.prepareStatement(sql)) {
      lock.setLong(1, LOCK_KEY);
      try (ResultSet rows = lock.executeQuery()) {
        rows.next();
        return rows.getBoolean(1);
      }
    }
  }
}
