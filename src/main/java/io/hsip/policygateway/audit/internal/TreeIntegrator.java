package io.hsip.policygateway.audit.internal;

import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.transparency.Checkpoint;
import io.hsip.policygateway.hsip.transparency.Checkpoints;
import io.hsip.policygateway.hsip.transparency.ConsistencyProofVerifier;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 */
public final class TreeIntegrator {

  /** The advisory lock that serialises integration: "HSIPAUDT". */
  public static final long LOCK_KEY = 0x4853495041554454L;

  private static final String ASSIGN =
      """
      WITH pending AS (
        SELECT seq FROM audit_entry WHERE leaf_index IS NULL ORDER BY seq LIMIT ?
      ), numbered AS (
        SELECT seq, ? + row_number() OVER (ORDER BY seq) - 1 AS leaf FROM pending
      )
      UPDATE audit_entry e SET leaf_index = n.leaf FROM numbered n WHERE e.seq = n.seq
      RETURNING e.leaf_index, e.body
      """;

  private final DataSource dataSource;
  private final TileStore tiles;
  private final Supplier<SigningKey> key;
  private final String origin;
  private final Clock clock;
  private final int maxBatch;

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
    this.dataSource = dataSource;
    this.tiles = tiles;
    this.key = key;
    this.origin = origin;
    this.clock = clock;
    this.maxBatch = maxBatch;
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
        if (result.isPresent()) {
          connection.commit();
        } else {
          connection.rollback();
        }
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
    if (minInterval != null && latest != null && !due(connection, latest, minInterval)) {
      return Optional.empty();
    }
    List<byte[]> leaves = new ArrayList<>();
    try (PreparedStatement assign = connection.prepareStatement(ASSIGN)) {
      assign.setInt(1, maxBatch);
      assign.setLong(2, size);
      try (ResultSet rows = assign.executeQuery()) {
        // RETURNING comes in no particular order; place each leaf hash at its index.
        List<Long> indexes = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        while (rows.next()) {
          indexes.add(rows.getLong(1));
          hashes.add(TreeHasher.leaf(rows.getBytes(2)));
        }
        if (hashes.isEmpty()) {
          return Optional.empty();
        }
        byte[][] byIndex = new byte[hashes.size()][];
        for (int i = 0; i < hashes.size(); i++) {
          byIndex[(int) (indexes.get(i) - size)] = hashes.get(i);
        }
        leaves.addAll(java.util.Arrays.asList(byIndex));
      }
    }
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
  private static @Nullable Latest latest(Connection connection) throws SQLException {
    Latest latest = null;
    long assigned;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT c.tree_size, c.root_hash, c.signed_at, (SELECT coalesce(max(leaf_index) + 1, 0) FROM audit_entry)"
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
        assigned = rows.getLong(4);
      }
    }
    long signed = latest == null ? 0 : latest.treeSize();
    if (signed != assigned) {
      throw new AuditStorageException(
          "audit tree is inconsistent: the latest checkpoint has "
              + signed
              + " leaves but leaf indexes run to "
              + assigned
              + "; integration stops until this is investigated");
    }
    return latest;
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
