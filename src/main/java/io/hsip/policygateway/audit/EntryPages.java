package io.hsip.policygateway.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Reads the stored entries of one kind over a time window, a page at a time, for features that
 * replay what the log recorded (policy impact analysis). Pages are keyset pages in (time, seq)
 * order over the {@code (recorded_at, seq)} index: each page costs the same however far into the
 * window it is, and holds at most the limit's bodies in memory.
 */
public final class EntryPages {

  /** Most entries of one page. */
  public static final int MAX_LIMIT = 10_000;

  /**
   * One stored entry.
   *
   * @param seq its sequence number
   * @param time when it was committed
   * @param body its canonical JSON (schema 1, see {@link EntryFormat})
   */
  public record Row(long seq, Instant time, byte[] body) {}

  /**
   * Where a page ends: the next page starts after this entry.
   *
   * @param time the last entry's commit time
   * @param seq the last entry's sequence number
   */
  public record Cursor(Instant time, long seq) {}

  private final DataSource dataSource;

  /** Reads from {@code dataSource}. */
  public EntryPages(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * The entries of {@code kind} committed in [{@code from}, {@code to}), after {@code after} (or
   * from the start of the window), in (time, seq) order, at most {@code limit}.
   *
   * @throws IllegalArgumentException for a limit outside 1 to {@value #MAX_LIMIT}
   * @throws SQLException if the database cannot be read
   */
  public List<Row> page(AuditKind kind, Instant from, Instant to, @Nullable Cursor after, int limit)
      throws SQLException {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("a page holds 1 to " + MAX_LIMIT + " entries");
    }
    Cursor start = after == null ? new Cursor(from, Long.MIN_VALUE) : after;
    List<Row> rows = new ArrayList<>(Math.min(limit, 1024));
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                """
                SELECT seq, recorded_at, body FROM audit_entry
                WHERE kind = ? AND recorded_at >= ? AND recorded_at < ?
                  AND (recorded_at, seq) > (?, ?)
                ORDER BY recorded_at, seq
                LIMIT ?
                """)) {
      select.setString(1, kind.wire());
      select.setTimestamp(2, Timestamp.from(from));
      select.setTimestamp(3, Timestamp.from(to));
      select.setTimestamp(4, Timestamp.from(start.time()));
      select.setLong(5, start.seq());
      select.setInt(6, limit);
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          rows.add(
              new Row(result.getLong(1), result.getTimestamp(2).toInstant(), result.getBytes(3)));
        }
      }
    }
    return rows;
  }

  /** The cursor after {@code row}. */
  public static Cursor after(Row row) {
    return new Cursor(row.time(), row.seq());
  }
}
