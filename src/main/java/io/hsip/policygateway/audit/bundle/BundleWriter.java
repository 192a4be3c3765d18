package io.hsip.policygateway.audit.bundle;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsip.policygateway.audit.internal.AuditStorageException;
import io.hsip.policygateway.audit.internal.EntryFormat;
import io.hsip.policygateway.audit.internal.TileStore;
import io.hsip.policygateway.audit.internal.TreeInconsistencyException;
import io.hsip.policygateway.audit.internal.TreeIntegrator;
import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.Sha256;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.json.CanonicalJson;
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
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Streams an export bundle for a time range as a ZIP: entries are read in keyset pages by leaf index and
 * written as they come, so memory stays bounded however many millions of entries the range holds. The whole
 * export reads one REPEATABLE READ snapshot, taken after everything committed so far was integrated and signed,
 * so every entry of the window committed before the export is in the anchor checkpoint. Nothing is truncated:
 * entries of the window that still are not in a signed checkpoint (committed during the export) and leaves
 * missing from the database are counted in the manifest, which then says {@code "complete": false}.
 *
 * <p>The range is a run of leaves {@code [first_leaf, end_leaf)} of the latest checkpoint (the anchor): from
 * the first leaf recorded at or after {@code from} to the first leaf recorded at or after {@code to} that
 * follows the last leaf recorded in the window. Leaf order is sequence order, and recording times are not
 * monotonic in it (batches in flight at once, replicas, late commits), so an in-window leaf may follow a leaf
 * recorded after {@code to}; out-of-window leaves inside the range are exported too (the proofs need them). A window reaching the end of the log runs to the anchor's size, so a truncated tail shows as
 * missing leaves.
 */
public final class BundleWriter {

  /**
   * What to export.
   *
   * @param from start of the window, inclusive
   * @param to end of the window, exclusive
   * @param previousTreeSize anchor size of the previous export to prove consistency with; if null, the last
   *     export recorded in the database, if any
   * @param actor who asked for the export
   */
  public record Request(Instant from, Instant to, @Nullable Long previousTreeSize, String actor) {}

  /**
   * What was exported.
   *
   * @param firstLeaf first leaf index of the range
   * @param endLeaf leaf index after the range
   * @param entries entries written
   * @param treeSize the anchor checkpoint's size
   * @param complete whether every entry of the window is in the bundle
   */
  public record Summary(long firstLeaf, long endLeaf, long entries, long treeSize, boolean complete) {}

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final DataSource dataSource;
  private final TileStore tiles;
  private final TreeIntegrator integrator;
  private final SigningKey key;
  private final String origin;
  private final Clock clock;
  private final int pageSize;

  /**
   * A writer reading from {@code dataSource} and signing the manifest with {@code key}; {@code integrator}
   * integrates what is pending before each export.
   */
  public BundleWriter(DataSource dataSource, TileStore tiles, TreeIntegrator integrator, SigningKey key,
      String origin, Clock clock, int pageSize) {
    this.dataSource = dataSource;
    this.tiles = tiles;
    this.integrator = integrator;
    this.key = key;
    this.origin = origin;
    this.clock = clock;
    this.pageSize = pageSize;
  }

  /** Writes the bundle to {@code out} (which it does not close) and records the export. */
  public Summary write(Request request, OutputStream out) throws IOException {
    if (!request.to().isAfter(request.from())) {
      throw new IllegalArgumentException("the window must end after it starts");
    }
    if (request.from().getNano() % 1_000_000 != 0 || request.to().getNano() % 1_000_000 != 0) {
      // The manifest states the window in milliseconds, and the verifier checks the witnesses against that.
      throw new IllegalArgumentException("the window bounds must be whole milliseconds");
    }
    // Entries committed but not yet integrated would otherwise be left out of the bundle: sign them first.
    try {
      integrator.integratePending(true);
    } catch (AuditStorageException | TreeInconsistencyException e) {
      // A damaged tree stops integration; the export must still show the auditor what is signed. The entries
      // left pending are counted in the manifest ("complete": false) and the verifier reports them.
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        Summary summary = write(connection, request, out);
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

  private Summary write(Connection connection, Request request, OutputStream out) throws SQLException, IOException {
    long size = 0;
    String anchor = null;
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT tree_size, note FROM audit_checkpoint ORDER BY tree_size DESC LIMIT 1");
        ResultSet rows = select.executeQuery()) {
      if (rows.next()) {
        size = rows.getLong(1);
        anchor = rows.getString(2);
      }
    }
    long first = firstLeafAtOrAfter(connection, request.from(), 0, size);
    // The range ends at a leaf recorded at or after the window's end (the end witness), found past the last leaf
    // recorded in the window; or at the tree's end.
    long end = firstLeafAtOrAfter(connection, request.to(), Math.max(first, afterLastInWindow(connection, request, size)),
        size);
    long pending = pendingInWindow(connection, request, size);
    ProofBuilder proofs = new ProofBuilder(tiles.reader(connection));

    ObjectNode proof = JSON.objectNode();
    proof.put("tree_size", size);
    if (anchor != null) {
      proof.put("anchor", anchor);
    } else {
      proof.putNull("anchor");
    }
    proof.put("first_leaf", first);
    proof.put("end_leaf", end);
    proof.set("frontier", hexArray(proofs.frontier(first)));
    proof.set("consistency_to_anchor", hexArray(proofs.consistency(end, size)));
    proof.set("start_witness", first > 0 ? witness(connection, proofs, first - 1, size) : JSON.nullNode());
    proof.set("end_witness", end < size ? witness(connection, proofs, end, size) : JSON.nullNode());
    Long previous = request.previousTreeSize() != null ? request.previousTreeSize() : lastExportSize(connection);
    if (previous != null && previous > 0) {
      ObjectNode prev = proof.putObject("previous");
      prev.put("tree_size", previous);
      if (previous <= size) {
        prev.put("checkpoint", checkpointNote(connection, previous));
        prev.set("consistency", hexArray(proofs.consistency(previous, size)));
      } else {
        // The log is smaller than when it was last exported: say so, the verifier reports it.
        prev.putNull("checkpoint");
        prev.set("consistency", JSON.arrayNode());
      }
    } else {
      proof.putNull("previous");
    }

    ObjectNode keyFile = JSON.objectNode();
    keyFile.put("origin", origin);
    keyFile.put("public_key_hex", key.publicKey().hex());
    keyFile.put("peer_id", key.peerId().value());

    ZipOutputStream zip = new ZipOutputStream(new NonClosing(out), StandardCharsets.UTF_8);
    ObjectNode files = JSON.objectNode();
    writeFile(zip, files, BundleFormat.KEY, CanonicalJson.encode(keyFile));
    writeFile(zip, files, BundleFormat.PROOF, CanonicalJson.encode(proof));

    DigestingStream checkpoints = begin(zip, BundleFormat.CHECKPOINTS);
    long checkpointCount = 0;
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT note FROM audit_checkpoint WHERE tree_size > ? AND tree_size <= ? ORDER BY tree_size")) {
      select.setLong(1, first);
      select.setLong(2, end);
      select.setFetchSize(pageSize);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          checkpoints.write(CanonicalJson.encode(JSON.textNode(rows.getString(1))));
          checkpoints.write('\n');
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
    try (PreparedStatement page = connection.prepareStatement(
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
            entries.write(line(rows.getBytes(2), leafHash, leaf));
            written++;
          }
        }
        cursor = pageEnd;
      }
    }
    missing += end - expected;
    end(zip, files, BundleFormat.ENTRIES, entries);

    ObjectNode manifest = JSON.objectNode();
    manifest.put("format", BundleFormat.FORMAT);
    manifest.put("origin", origin);
    manifest.put("public_key_hex", key.publicKey().hex());
    manifest.put("window_from", EntryFormat.formatTime(request.from()));
    manifest.put("window_to", EntryFormat.formatTime(request.to()));
    manifest.put("exported_at", EntryFormat.formatTime(clock.instant()));
    manifest.put("exported_by", request.actor());
    manifest.put("tree_size", size);
    manifest.put("first_leaf", first);
    manifest.put("end_leaf", end);
    manifest.put("entry_count", written);
    manifest.put("entries_in_window", inWindow);
    manifest.put("checkpoint_count", checkpointCount);
    manifest.put("not_yet_integrated", pending);
    manifest.put("missing_leaves", missing);
    manifest.put("complete", pending == 0 && missing == 0);
    manifest.set("files", files);
    byte[] manifestBytes = CanonicalJson.encode(manifest);
    zip.putNextEntry(new ZipEntry(BundleFormat.MANIFEST));
    zip.write(manifestBytes);
    zip.closeEntry();
    zip.putNextEntry(new ZipEntry(BundleFormat.MANIFEST_SIGNATURE));
    zip.write((LowerHex.encode(key.sign(manifestBytes)) + "\n").getBytes(StandardCharsets.US_ASCII));
    zip.closeEntry();
    zip.finish();
    return new Summary(first, end, written, size, pending == 0 && missing == 0);
  }

  /** One entries.jsonl line, canonical: members sorted as {@code entry < leaf_hash < leaf_index}. */
  static byte[] line(byte[] body, String leafHash, long leaf) {
    byte[] head = "{\"entry\":".getBytes(StandardCharsets.US_ASCII);
    byte[] tail = (",\"leaf_hash\":\"" + leafHash + "\",\"leaf_index\":" + leaf + "}\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + body.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    System.arraycopy(tail, 0, out, head.length + body.length, tail.length);
    return out;
  }

  private ObjectNode witness(Connection connection, ProofBuilder proofs, long leaf, long size) throws SQLException {
    ObjectNode witness = JSON.objectNode();
    witness.put("leaf_index", leaf);
    try (PreparedStatement select = connection.prepareStatement("SELECT body FROM audit_entry WHERE leaf_index = ?")) {
      select.setLong(1, leaf);
      try (ResultSet rows = select.executeQuery()) {
        if (rows.next()) {
          witness.set("entry", CanonicalJson.parseObject(rows.getBytes(1)));
        } else {
          witness.putNull("entry");
        }
      }
    }
    witness.set("inclusion", hexArray(proofs.inclusion(leaf, size)));
    return witness;
  }

  private static long firstLeafAtOrAfter(Connection connection, Instant time, long fromLeaf, long size)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
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

  /** The leaf after the last leaf of the anchor tree recorded in the window, or 0 if there is none. */
  private static long afterLastInWindow(Connection connection, Request request, long size) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
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

  private static long pendingInWindow(Connection connection, Request request, long size) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
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
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT tree_size FROM audit_export ORDER BY id DESC LIMIT 1");
        ResultSet rows = select.executeQuery()) {
      return rows.next() ? rows.getLong(1) : null;
    }
  }

  private static String checkpointNote(Connection connection, long size) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT note FROM audit_checkpoint WHERE tree_size = ?")) {
      select.setLong(1, size);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          throw new IllegalArgumentException("there is no checkpoint of tree size " + size);
        }
        return rows.getString(1);
      }
    }
  }

  private static void recordExport(Connection connection, Request request, Summary summary) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
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

  private static ArrayNode hexArray(List<byte[]> hashes) {
    ArrayNode array = JSON.arrayNode(hashes.size());
    hashes.forEach(h -> array.add(LowerHex.encode(h)));
    return array;
  }

  private static void writeFile(ZipOutputStream zip, ObjectNode files, String name, byte[] content) throws IOException {
    DigestingStream stream = begin(zip, name);
    stream.write(content);
    end(zip, files, name, stream);
  }

  private static DigestingStream begin(ZipOutputStream zip, String name) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    return new DigestingStream(zip);
  }

  private static void end(ZipOutputStream zip, ObjectNode files, String name, DigestingStream stream) throws IOException {
    zip.closeEntry();
    ObjectNode file = files.putObject(name);
    file.put("bytes", stream.count);
    file.put("sha256", LowerHex.encode(stream.digest.digest()));
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
