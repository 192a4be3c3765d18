package io.hsip.policygateway.audit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsip.policygateway.audit.AuditExports;
import io.hsip.policygateway.audit.EntryFormat;
import io.hsip.policygateway.audit.bundle.BundleFormat;
import io.hsip.policygateway.audit.bundle.BundleFormat.EntryLine;
import io.hsip.policygateway.audit.bundle.BundleFormat.FileDigest;
import io.hsip.policygateway.audit.bundle.BundleFormat.KeyFile;
import io.hsip.policygateway.audit.bundle.BundleFormat.Manifest;
import io.hsip.policygateway.audit.bundle.BundleFormat.Previous;
import io.hsip.policygateway.audit.bundle.BundleFormat.ProofFile;
import io.hsip.policygateway.audit.bundle.BundleFormat.Witness;
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
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Streams an export bundle for a time range as a ZIP: entries are read in keyset pages by leaf
 * index and written as they come, so memory stays bounded however many millions of entries the
 * range holds. The whole export reads one REPEATABLE READ snapshot, taken after everything
 * committed so far was integrated and signed, so every entry of the window committed before the
 * export is in the anchor checkpoint. Nothing is truncated: entries of the window that still are
 * not in a signed checkpoint (committed during the export) and leaves missing from the database are
 * counted in the manifest, which then says {@code "complete": false}.
 *
 * <p>The range is a run of leaves {@code [first_leaf, end_leaf)} of the latest checkpoint (the
 * anchor): from the first leaf recorded at or after {@code from} to the first leaf recorded at or
 * after {@code to} that follows the last leaf recorded in the window. Leaf order is sequence order,
 * and recording times are not monotonic in it (batches in flight at once, replicas, late commits),
 * so an in-window leaf may follow a leaf recorded after {@code to}; out-of-window leaves inside the
 * range are exported too (the proofs need them). A window reaching the end of the log runs to the
 * anchor's size, so a truncated tail shows as missing leaves.
 */
public final class BundleWriter {

  private final DataSource dataSource;
  private final TileStore tiles;
  private final TreeIntegrator integrator;
  private final SigningKey key;
  private final String origin;
  private final Clock clock;
  private final int pageSize;

  /**
   * A writer reading from {@code dataSource} and signing the manifest with {@code key}; {@code
   * integrator} integrates what is pending before each export.
   */
  public BundleWriter(
      DataSource dataSource,
      TileStore tiles,
      TreeIntegrator integrator,
      SigningKey key,
      String origin,
      Clock clock,
      int pageSize) {
    this.dataSource = dataSource;
    this.tiles = tiles;
    this.integrator = integrator;
    this.key = key;
    this.origin = origin;
    this.clock = clock;
    this.pageSize = pageSize;
  }

  /** Writes the bundle to {@code out} (which it does not close) and records the export. */
  public AuditExports.Summary write(AuditExports.Request request, OutputStream out)
      throws IOException {
    if (!request.to().isAfter(request.from())) {
      throw new IllegalArgumentException("the window must end after it starts");
    }
    if (request.from().getNano() % 1_000_000 != 0 || request.to().getNano() % 1_000_000 != 0) {
      // The manifest states the window in milliseconds, and the verifier checks the witnesses
      // against that.
      throw new IllegalArgumentException("the window bounds must be whole milliseconds");
    }
    // Entries committed but not yet integrated would otherwise be left out of the bundle: sign them
    // first.
    try {
      integrator.integratePending(true);
    } catch (AuditStorageException | TreeInconsistencyException e) {
      // A damaged tree stops integration; the export must still show the auditor what is signed.
      // The entries left pending are counted in the manifest ("complete": false) and the verifier
      // reports them.
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
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
    long first = firstLeafAtOrAfter(connection, request.from(), 0, size);
    // The range ends at a leaf recorded at or after the window's end (the end witness), found past
    // the last leaf recorded in the window; or at the tree's end.
    long end =
        firstLeafAtOrAfter(
            connection,
            request.to(),
            Math.max(first, afterLastInWindow(connection, request, size)),
            size);
    long pending = pendingInWindow(connection, request, size);
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
            first > 0 ? witness(connection, proofs, first - 1, size) : null,
            end < size ? witness(connection, proofs, end, size) : null,
            previous);

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
            "SELECT leaf_index, body, recorded_at FROM audit_entry WHERE leaf_index >= ? AND leaf_index < ?"
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
            Instant time = rows.getTimestamp(3).toInstant();
            if (!time.isBefore(request.from()) && time.isBefore(request.to())) {
              inWindow++;
            }
            int offset = (int) (leaf - cursor);
            String leafHash = offset < hashes.size() ? LowerHex.encode(hashes.get(offset)) : "";
            entries.write(EntryLine.encode(rows.getBytes(2), leafHash, leaf));
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
                EntryFormat.formatTime(request.from()),
                EntryFormat.formatTime(request.to()),
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

  private Witness witness(Connection connection, ProofBuilder proofs, long leaf, long size)
      throws SQLException {
    ObjectNode entry = null;
    try (PreparedStatement select =
        connection.prepareStatement("SELECT body FROM audit_entry WHERE leaf_index = ?")) {
      select.setLong(1, leaf);
      try (ResultSet rows = select.executeQuery()) {
        if (rows.next()) {
          entry = CanonicalJson.parseObject(rows.getBytes(1));
        }
      }
    }
    return new Witness(leaf, entry, hex(proofs.inclusion(leaf, size)));
  }

  private static long firstLeafAtOrAfter(
      Connection connection, Instant time, long fromLeaf, long size) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT min(leaf_index) FROM audit_entry WHERE recorded_at >= ? AND leaf_index >= ? AND leaf_index < ?")) {
      select.setTimestamp(1, Timestamp.from(time));
      select.setLong(2, fromLeaf);
      select.setLong(3, size);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        long leaf = rows.getLong(1);
        return rows.wasNull() ? size : leaf;
      }
    }
  }

  /**
   * The leaf after the last leaf of the anchor tree recorded in the window, or 0 if there is none.
   */
  private static long afterLastInWindow(
      Connection connection, AuditExports.Request request, long size) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT max(leaf_index) FROM audit_entry WHERE recorded_at >= ? AND recorded_at < ? AND leaf_index < ?")) {
      select.setTimestamp(1, Timestamp.from(request.from()));
      select.setTimestamp(2, Timestamp.from(request.to()));
      select.setLong(3, size);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        long leaf = rows.getLong(1);
        return rows.wasNull() ? 0 : leaf + 1;
      }
    }
  }

  private static long pendingInWindow(
      Connection connection, AuditExports.Request request, long size) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT count(*) FROM audit_entry WHERE recorded_at >= ? AND recorded_at < ?"
                + " AND (leaf_index IS NULL OR leaf_index >= ?)")) {
      select.setTimestamp(1, Timestamp.from(request.from()));
      select.setTimestamp(2, Timestamp.from(request.to()));
      select.setLong(3, size);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
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
            "INSERT INTO audit_export (exported_at, actor, from_time, to_time, first_leaf, end_leaf, tree_size)"
                + " VALUES (now(), ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, request.actor());
      insert.setTimestamp(2, Timestamp.from(request.from()));
      insert.setTimestamp(3, Timestamp.from(request.to()));
      insert.setLong(4, summary.firstLeaf());
      insert.setLong(5, summary.endLeaf());
      insert.setLong(6, summary.treeSize());
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
