package io.hsip.policygateway.audit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The spreadsheet view of a time window: one RFC 4180 CSV row per entry, in time order, streamed in
 * keyset pages of one REPEATABLE READ transaction under the export's limits. Cells that a
 * spreadsheet would run as a formula are prefixed with {@code '}. A view for reading, not for
 * proving: the bundle is what verifies.
 */
public final class CsvExport {

  /** The columns, in order. */
  public static final List<String> COLUMNS =
      List.of(
          "seq",
          "leaf_index",
          "time",
          "kind",
          "actor",
          "action",
          "subject",
          "outcome",
          "policy_version",
          "request_hash",
          "trace_id",
          "span_id",
          "explanation",
          "details");

  private CsvExport() {}

  /** Writes the window's entries to {@code out} (not closed); returns how many. */
  public static long write(
      DataSource dataSource,
      BundleWriter.@Nullable Limits limits,
      Instant from,
      Instant to,
      int pageSize,
      OutputStream out)
      throws IOException {
    Writer csv = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    csv.write(String.join(",", COLUMNS));
    csv.write("\r\n");
    long rowsWritten = 0;
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      if (limits != null) {
        limits.apply(connection);
      }
      try {
        rowsWritten = rows(connection, from, to, pageSize, csv);
        connection.commit();
      } catch (SQLException | IOException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new AuditStorageException("the CSV export could not read the audit log", e);
    }
    csv.flush();
    return rowsWritten;
  }

  private static long rows(
      Connection connection, Instant from, Instant to, int pageSize, Writer csv)
      throws SQLException, IOException {
    long rowsWritten = 0;
    try (PreparedStatement page =
        connection.prepareStatement(
            "SELECT seq, leaf_index, recorded_at, body FROM audit_entry"
                + " WHERE (recorded_at, seq) > (?, ?) AND recorded_at < ? ORDER BY recorded_at, seq LIMIT ?")) {
      Timestamp cursorTime = Timestamp.from(from.minusNanos(1000));
      long cursorSeq = Long.MAX_VALUE;
      while (true) {
        page.setTimestamp(1, cursorTime);
        page.setLong(2, cursorSeq);
        page.setTimestamp(3, Timestamp.from(to));
        page.setInt(4, pageSize);
        int rows = 0;
        try (ResultSet result = page.executeQuery()) {
          while (result.next()) {
            rows++;
            cursorSeq = result.getLong(1);
            cursorTime = result.getTimestamp(3);
            long leaf = result.getLong(2);
            String leafText = result.wasNull() ? "" : Long.toString(leaf);
            row(csv, cursorSeq, leafText, CanonicalJson.parseObject(result.getBytes(4)));
            rowsWritten++;
          }
        }
        if (rows < pageSize) {
          break;
        }
      }
    }
    return rowsWritten;
  }

  private static void row(Writer csv, long seq, String leaf, JsonNode entry) throws IOException {
    csv.write(Long.toString(seq));
    csv.write(',');
    csv.write(leaf);
    for (String column : COLUMNS.subList(2, COLUMNS.size())) {
      csv.write(',');
      JsonNode value = entry.get(column);
      if (value == null) {
        continue;
      }
      csv.write(
          cell(
              value.isTextual()
                  ? value.textValue()
                  : new String(CanonicalJson.encode(value), StandardCharsets.UTF_8)));
    }
    csv.write("\r\n");
  }

  /** One RFC 4180 cell, defused against spreadsheet formula injection. */
  static String cell(String value) {
    String text = value;
    if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
      text = "'" + text;
    }
    if (text.indexOf(',') >= 0
        || text.indexOf('"') >= 0
        || text.indexOf('\n') >= 0
        || text.indexOf('\r') >= 0
        || text.indexOf('\'') == 0) {
      return "\"" + text.replace("\"", "\"\"") + "\"";
    }
    return text;
  }
}
