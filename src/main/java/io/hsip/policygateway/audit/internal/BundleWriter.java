package io.hsip.policygateway.audit.internal;

import io.hsip.policygateway.audit.AuditExports;
import io.hsip.policygateway.audit.AuditProblems;
import io.hsip.policygateway.audit.EntryFormat;
import io.hsip.policygateway.audit.bundle.BundleFormat;
import io.hsip.policygateway.audit.bundle.BundleFormat.EntryLine;
import io.hsip.policygateway.audit.bundle.BundleFormat.FileDigest;
import io.hsip.policygateway.audit.bundle.BundleFormat.KeyFile;
import io.hsip.policygateway.audit.bundle.BundleFormat.Manifest;
import io.hsip.policygateway.audit.bundle.BundleFormat.Previous;
import io.hsip.policygateway.audit.bundle.BundleFormat.ProofFile;
import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.Sha256;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.transparency.ProofBuilder;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Writes an export bundle ({@code hsip-audit-bundle/2}) for a range of the signed tree as a ZIP:
 * entries are read in keyset pages by leaf index and written as they come, so memory stays bounded
 * however many millions of entries the range holds. The whole export reads one REPEATABLE READ
 * snapshot under the limits it is given ({@code statement_timeout}, {@code
 * idle_in_transaction_session_timeout}, {@code lock_timeout}); it is meant to write to a local
 * spool file, not to a client, so that the snapshot lasts as long as the database takes to read it.
 *
 * <p>The range is {@code [from_size, to_size)}, two tree sizes of signed checkpoints (0 for the
 * empty tree): what was asked for, or what a time window resolves to. A window {@code [from, to)}
 * starts at the last checkpoint signed at or before {@code from} and ends at the first checkpoint
 * signed at or after {@code to}; both only move outwards to cover entries the database says were
 * recorded in the window (defence in depth: the unhashed {@code recorded_at} can only widen the
 * range, never narrow it). A window reaching past the last checkpoint ends at the latest
 * checkpoint, and the window's entries not yet in it are counted ({@code "complete": false}). The
 * anchor is the latest checkpoint, so consistency with the previous export is proved as before.
 */
public final class BundleWriter {

  /**
   * Limits of the export's transaction, set with {@code SET LOCAL} so that they end with it.
   *
   * @param statementTimeout longest query
   * @param idleInTransactionTimeout longest pause between queries before the server ends the
   *     transaction
   * @param lockTimeout longest wait for a lock
   */
  public record Limits(
      Duration statementTimeout, Duration idleInTransactionTimeout, Duration lockTimeout) {

    /** Applies the limits to the transaction just begun on {@code connection}. */
    public void apply(Connection connection) throws SQLException {
      try (PreparedStatement set =
          connection.prepareStatement(
              "SELECT set_config('statement_timeout', ?, true),"
                  + " set_config('idle_in_transaction_session_timeout', ?, true),"
                  + " set_config('lock_timeout', ?, true)")) {
        set.setString(1, statementTimeout.toMillis() + "ms");
        set.setString(2, idleInTransactionTimeout.toMillis() + "ms");
        set.setString(3, lockTimeout.toMillis() + "ms");
        set.execute();
      }
    }
  }

  private final DataSource dataSource;
  private final TileStore tiles;
  private final @Nullable Limits limits;
  private final SigningKey key;
  private final String origin;
  private final Clock clock;
  private final int pageSize;

  /**
   * A writer reading from {@code dataSource} under {@code limits} (none if null) and signing the
   * manifest with {@code key}. It integrates nothing: entries not in a signed checkpoint are not in
   * the tree, and a caller wanting them in integrates first.
   */
  public BundleWriter(
      DataSource dataSource,
      TileStore tiles,
      @Nullable Limits limits,
      SigningKey key,
      String origin,
      Clock clock,
      int pageSize) {
    this.dataSource = dataSource;
    this.tiles = tiles;
    this.limits = limits;
    this.key = key;
    this.origin = origin;
    this.clock = clock;
    this.pageSize = pageSize;
  }

  /**
   * Writes the bundle to {@code out} (which it does not close) and records the export.
   *
   * @throws io.hsip.policygateway.base.error.ProblemException ({@code invalid-export-range}) if a
   *     requested size is not the size of a signed checkpoint
   */
  public AuditExports.Summary write(AuditExports.Request request, OutputStream out)
      throws IOException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        if (limits != null) {
          limits.apply(connection);
        }
        AuditExports.Summary summary = write(connection, request, out);
        recordExport(connection, request, summary);
        connection.commit();
        return summary;
      } catch (SQLException | RuntimeException | IOException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new AuditStorageException("the export could not read the audit log", e);
    }
  }

  /** The resolved range: {@code [from, to)} and the window's entries left out of it. */
  private record Range(long from, long to, long pending) {}

  private static Range resolve(Connection connection, AuditExports.Request request, long size)
      throws SQLException {
    if (request.from() == null || request.to() == null) {
      long from = request.fromSize() == null ? 0 : request.fromSize();
      long to = request.toSize() == null ? size : request.toSize();
      if (from < 0 || to < from) {
        throw AuditProblems.INVALID_RANGE.exception(
            "`from_size` must be at most `to_size`, and neither negative.");
      }
      requireCheckpoint(connection, "from_size", from);
      requireCheckpoint(connection, "to_size", to);
      return new Range(from, to, 0);
    }
    Instant start = request.from();
    Instant end = request.to();
    // Widen only: the first and last leaves recorded in the window (by the unhashed recorded_at)
    // may pull the boundaries outwards, never inwards.
    long firstInWindow = size;
    long lastInWindow = -1;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT min(leaf_index), max(leaf_index) FROM audit_entry"
                + " WHERE recorded_at >= ? AND recorded_at < ? AND leaf_index < ?")) {
      select.setTimestamp(1, Timestamp.from(start));
      select.setTimestamp(2, Timestamp.from(end));
      select.setLong(3, size);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        long min = rows.getLong(1);
        if (!rows.wasNull()) {
          firstInWindow = min;
          lastInWindow = rows.getLong(2);
        }
      }
    }
    long from =
        longOr(
            connection,
            "SELECT max(tree_size) FROM audit_checkpoint WHERE signed_at <= ? AND tree_size <= ?",
            start,
            firstInWindow,
            0);
    long to =
        longOr(
            connection,
            "SELECT min(tree_size) FROM audit_checkpoint WHERE signed_at >= ? AND tree_size >= ?",
            end,
            lastInWindow + 1,
            size);
    to = Math.max(to, from);
    long pending;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT count(*) FROM audit_entry WHERE recorded_at >= ? AND recorded_at < ?"
                + " AND (leaf_index IS NULL OR leaf_index >= ?)")) {
      select.setTimestamp(1, Timestamp.from(start));
      select.setTimestamp(2, Timestamp.from(end));
      select.setLong(3, to);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        pending = rows.getLong(1);
      }
    }
    return new Range(from, to, pending);
  }

  private static long longOr(
      Connection connection, String sql, Instant time, long bound, long otherwise)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setTimestamp(1, Timestamp.from(time));
      select.setLong(2, bound);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        long value = rows.getLong(1);
        return rows.wasNull() ? otherwise : value;
      }
    }
  }

  private static void requireCheckpoint(Connection connection, String name, long size)
      throws SQLException {
    if (size == 0) {
      return;
    }
    try (PreparedStatement select =
        connection.prepareStatement("SELECT 1 FROM audit_checkpoint WHERE tree_size = ?")) {
      select.setLong(1, size);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          throw AuditProblems.INVALID_RANGE.exception(
              "`"
                  + name
                  + "` is "
                  + size
                  + ", which is not the tree size of a signed checkpoint"
                  + " (GET /api/v1/audit/checkpoints lists them; 0 is the empty tree).");
        }
      }
    }
  }

  private AuditExports.Summary write(
      Connection connection, AuditExports.Request request, OutputStream out)
      throws SQLException, IOException {
    long size = 0;
    String anchor = null;
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT tree_size, note FROM audit_checkpoint ORDER BY tree_size DESC LIMIT 1");
        ResultSet rows = select.executeQuery()) {
      if (rows.next()) {
        size = rows.getLong(1);
        anchor = rows.getString(2);
      }
    }
    Range range = resolve(connection, request, size);
    long first = range.from();
    long end = range.to();
    long pending = range.pending();
    ProofBuilder proofs = new ProofBuilder(tiles.reader(connection));

    Long previousSize =
        request.previousTreeSize() != null
            ? request.previousTreeSize()
            : lastExportSize(connection);
    Previous previous = null;
    if (previousSize != null && previousSize > 0) {
      // A log smaller than when it was last exported has no checkpoint of that size: say so, the
      // verifier reports it.
      previous =
          previousSize <= size
              ? new Previous(
                  previousSize,
                  checkpointNote(connection, previousSize),
                  hex(proofs.consistency(previousSize, size)))
              : new Previous(previousSize, null, List.of());
    }
    ProofFile proof =
        new ProofFile(
            size,
            anchor,
            first,
            end,
            hex(proofs.frontier(first)),
            hex(proofs.consistency(end, size)),
            null,
            null,
            previous,
            first > 0 ? checkpointNote(connection, first) : null,
            hex(proofs.consistency(first, end)));

    ZipOutputStream zip = new ZipOutputStream(new NonClosing(out), StandardCharsets.UTF_8);
    Map<String, FileDigest> files = new LinkedHashMap<>();
    writeFile(
        zip,
        files,
        BundleFormat.KEY,
        BundleFormat.encode(new KeyFile(origin, key.publicKey().hex(), key.peerId().value())));
    writeFile(zip, files, BundleFormat.PROOF, BundleFormat.encode(proof));

    DigestingStream checkpoints = begin(zip, BundleFormat.CHECKPOINTS);
    long checkpointCount = 0;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT note FROM audit_checkpoint WHERE tree_size > ? AND tree_size <= ? ORDER BY tree_size")) {
      select.setLong(1, first);
      select.setLong(2, end);
      select.setFetchSize(pageSize);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          checkpoints.write(BundleFormat.checkpointLine(rows.getString(1)));
          checkpointCount++;
        }
      }
    }
    end(zip, files, BundleFormat.CHECKPOINTS, checkpoints);

    DigestingStream entries = begin(zip, BundleFormat.ENTRIES);
    long written = 0;
    long inWindow = 0;
    long expected = first;
    long missing = 0;
    try (PreparedStatement page =
        connection.prepareStatement(
            "SELECT leaf_index, body FROM audit_entry WHERE leaf_index >= ? AND leaf_index < ?"
                + " ORDER BY leaf_index LIMIT ?")) {
      long cursor = first;
      while (cursor < end) {
        long pageEnd = Math.min(end, cursor + pageSize);
        List<byte[]> hashes = tiles.leafHashes(connection, cursor, pageEnd);
        page.setLong(1, cursor);
        page.setLong(2, pageEnd);
        page.setInt(3, pageSize);
        try (ResultSet rows = page.executeQuery()) {
          while (rows.next()) {
            long leaf = rows.getLong(1);
            missing += leaf - expected;
            expected = leaf + 1;
            byte[] body = rows.getBytes(2);
            if (request.from() != null && request.to() != null) {
              // By the entry's own (hashed) time, as the verifier counts, never by the unhashed
              // recorded_at column.
              Instant time = EntryFormat.time(CanonicalJson.parseObject(body));
              if (time != null && !time.isBefore(request.from()) && time.isBefore(request.to())) {
                inWindow++;
              }
            }
            int offset = (int) (leaf - cursor);
            String leafHash = offset < hashes.size() ? LowerHex.encode(hashes.get(offset)) : "";
            entries.write(EntryLine.encode(body, leafHash, leaf));
            written++;
          }
        }
        cursor = pageEnd;
      }
    }
    missing += end - expected;
    end(zip, files, BundleFormat.ENTRIES, entries);

    boolean complete = pending == 0 && missing == 0;
    byte[] manifestBytes =
        BundleFormat.encode(
            new Manifest(
                BundleFormat.FORMAT,
                origin,
                key.publicKey().hex(),
                request.from() == null ? BundleFormat.RANGE_TREE_SIZE : BundleFormat.RANGE_WINDOW,
                request.from() == null ? null : EntryFormat.formatTime(request.from()),
                request.to() == null ? null : EntryFormat.formatTime(request.to()),
                EntryFormat.formatTime(clock.instant()),
                request.actor(),
                size,
                first,
                end,
                written,
                inWindow,
                checkpointCount,
                pending,
                missing,
                complete,
                files));
    zip.putNextEntry(new ZipEntry(BundleFormat.MANIFEST));
    zip.write(manifestBytes);
    zip.closeEntry();
    zip.putNextEntry(new ZipEntry(BundleFormat.MANIFEST_SIGNATURE));
    zip.write(
        (LowerHex.encode(key.sign(manifestBytes)) + "\n").getBytes(StandardCharsets.US_ASCII));
    zip.closeEntry();
    zip.finish();
    return new AuditExports.Summary(first, end, written, size, complete);
  }

  private static @Nullable Long lastExportSize(Connection connection) throws SQLException {
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT tree_size FROM audit_export ORDER BY id DESC LIMIT 1");
        ResultSet rows = select.executeQuery()) {
      return rows.next() ? rows.getLong(1) : null;
    }
  }

  private static String checkpointNote(Connection connection, long size) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT note FROM audit_checkpoint WHERE tree_size = ?")) {
      select.setLong(1, size);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          throw new IllegalArgumentException("there is no checkpoint of tree size " + size);
        }
        return rows.getString(1);
      }
    }
  }

  private static void recordExport(
      Connection connection, AuditExports.Request request, AuditExports.Summary summary)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO audit_export (exported_at, actor, from_time, to_time, first_leaf, end_leaf,"
                + " tree_size, from_size, to_size) VALUES (now(), ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, request.actor());
      insert.setTimestamp(2, request.from() == null ? null : Timestamp.from(request.from()));
      insert.setTimestamp(3, request.to() == null ? null : Timestamp.from(request.to()));
      insert.setLong(4, summary.firstLeaf());
      insert.setLong(5, summary.endLeaf());
      insert.setLong(6, summary.treeSize());
      // The range is a pair of signed checkpoint sizes; first_leaf/end_leaf keep the same values
      // for readers of the old columns.
      insert.setLong(7, summary.firstLeaf());
      insert.setLong(8, summary.endLeaf());
      insert.executeUpdate();
    }
  }

  private static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(LowerHex::encode).toList();
  }

  private static void writeFile(
      ZipOutputStream zip, Map<String, FileDigest> files, String name, byte[] content)
      throws IOException {
    DigestingStream stream = begin(zip, name);
    stream.write(content);
    end(zip, files, name, stream);
  }

  private static DigestingStream begin(ZipOutputStream zip, String name) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    return new DigestingStream(zip);
  }

  private static void end(
      ZipOutputStream zip, Map<String, FileDigest> files, String name, DigestingStream stream)
      throws IOException {
    zip.closeEntry();
    files.put(name, new FileDigest(stream.count, LowerHex.encode(stream.digest.digest())));
  }

  /** Passes bytes through while hashing and counting them. */
  private static final class DigestingStream extends FilterOutputStream {
    private final MessageDigest digest = Sha256.incremental();
    private long count;

    DigestingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      digest.update((byte) b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      digest.update(b, off, len);
      count += len;
    }
  }

  /** Lets the ZIP finish without closing the caller's stream. */
  private static final class NonClosing extends FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
