package io.hsip.policygateway.audit.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import javax.sql.DataSource;

/**
 * Hands out audit sequence numbers from {@code audit_entry_seq}, fetched a block at a time so that
 * a batch needs no round trip of its own for them. Numbers are unique across replicas (the sequence
 * is shared); a replica's numbers interleave with other replicas', and numbers still in a block
 * when a process stops are never used.
 */
final class SequenceBlocks {

  private final DataSource dataSource;
  private final int blockSize;
  private final Deque<Long> available = new ArrayDeque<>();

  SequenceBlocks(DataSource dataSource, int blockSize) {
    this.dataSource = dataSource;
    this.blockSize = blockSize;
  }

  /** The next {@code n} numbers, ascending. */
  synchronized long[] next(int n) throws SQLException {
    if (available.size() < n) {
      refill(Math.max(blockSize, n - available.size()));
    }
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = available.removeFirst();
    }
    return out;
  }

  private void refill(int count) throws SQLException {
    long[] fetched = new long[count];
    try (Connection connection = dataSource.getConnection();
        PreparedStatement next =
            connection.prepareStatement(
                "SELECT nextval('audit_entry_seq') FROM generate_series(1, ?)")) {
      next.setInt(1, count);
      try (ResultSet rows = next.executeQuery()) {
        for (int i = 0; i < count; i++) {
          if (!rows.next()) {
            throw new AuditStorageException("the sequence returned fewer numbers than asked for");
          }
          fetched[i] = rows.getLong(1);
        }
      }
    }
    Arrays.sort(fetched);
    for (long seq : fetched) {
      available.addLast(seq);
    }
  }
}
