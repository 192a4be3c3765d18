package io.hsip.policygateway.gateway.stats;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The dashboard's figures, summed over every replica from what {@link DecisionStats} writes: reads
 * a few hundred rows at most, however many decisions there were.
 */
@ApplicationScoped
public class DashboardFigures {

  /** A replica that has not reported for this long is shown as gone. */
  static final Duration REPLICA_SILENCE = Duration.ofSeconds(30);

  private final AgroalDataSource dataSource;
  private final Clock clock;

  DashboardFigures(AgroalDataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Decisions in one minute. */
  public record Minute(Instant minute, long allowed, long denied) {}

  /** A reason or rule with how often it occurred. */
  public record Count(String name, long count) {}

  /**
   * A replica and the policy it has live.
   *
   * @param policyVersion null when it has no policy loaded
   */
  public record Replica(
      String name,
      Instant seenAt,
      @Nullable String policySet,
      @Nullable Integer policyVersion,
      @Nullable String policyDigest) {}

  /**
   * The dashboard at one moment.
   *
   * @param minutes every minute of the window, oldest first, zeros included
   * @param denyReasons the most frequent deny reasons of the window, most frequent first
   * @param rules the rules that matched most often in the window, most frequent first
   * @param replicas the replicas that reported recently, by name
   */
  public record Snapshot(
      Instant at,
      List<Minute> minutes,
      List<Count> denyReasons,
      List<Count> rules,
      List<Replica> replicas) {

    public long allowed() {
      return minutes.stream().mapToLong(Minute::allowed).sum();
    }

    public long denied() {
      return minutes.stream().mapToLong(Minute::denied).sum();
    }
  }

  /** The figures of the last {@code minutes} minutes (the current one included). */
  public Snapshot snapshot(int minutes, int top) throws SQLException {
    if (minutes < 1 || minutes > 24 * 60 || top < 1 || top > 100) {
      throw new IllegalArgumentException("minutes 1..1440 and top 1..100");
    }
    Instant now = clock.instant();
    Instant first = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(minutes - 1L));
    try (Connection c = dataSource.getConnection()) {
      c.setReadOnly(true);
      return new Snapshot(
          now,
          minutes(c, first, minutes),
          top(c, "reason", "effect = 'deny' AND rule = ''", first, top),
          top(c, "rule", "rule <> ''", first, top),
          replicas(c, now.minus(REPLICA_SILENCE)));
    }
  }

  private static List<Minute> minutes(Connection c, Instant first, int count) throws SQLException {
    Map<Instant, long[]> byMinute = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      byMinute.put(first.plus(Duration.ofMinutes(i)), new long[2]);
    }
    try (PreparedStatement q =
        c.prepareStatement(
            """
            SELECT minute, effect, sum(decisions) FROM decision_minute
            WHERE minute >= ? AND rule = '' GROUP BY minute, effect
            """)) {
      q.setTimestamp(1, Timestamp.from(first));
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          long[] row = byMinute.get(rs.getTimestamp(1).toInstant());
          if (row != null) {
            row["allow".equals(rs.getString(2)) ? 0 : 1] += rs.getLong(3);
          }
        }
      }
    }
    List<Minute> result = new ArrayList<>(count);
    byMinute.forEach((minute, n) -> result.add(new Minute(minute, n[0], n[1])));
    return result;
  }

  private static List<Count> top(
      Connection c, String column, String where, Instant first, int limit) throws SQLException {
    // column and where are constants of this class, never input.
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT "
                + column
                + ", sum(decisions) AS n FROM decision_minute WHERE minute >= ? AND "
                + where
                + " GROUP BY "
                + column
                + " ORDER BY n DESC, "
                + column
                + " LIMIT ?")) {
      q.setTimestamp(1, Timestamp.from(first));
      q.setInt(2, limit);
      List<Count> result = new ArrayList<>();
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          result.add(new Count(rs.getString(1), rs.getLong(2)));
        }
      }
      return result;
    }
  }

  private static List<Replica> replicas(Connection c, Instant seenSince) throws SQLException {
    try (PreparedStatement q =
        c.prepareStatement(
            """
            SELECT replica, seen_at, policy_set, policy_version, policy_digest FROM gateway_replica
            WHERE seen_at >= ? ORDER BY replica
            """)) {
      q.setTimestamp(1, Timestamp.from(seenSince));
      List<Replica> result = new ArrayList<>();
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          int version = rs.getInt(4);
          Integer policyVersion = rs.wasNull() ? null : version;
          result.add(
              new Replica(
                  rs.getString(1),
                  rs.getTimestamp(2).toInstant(),
                  rs.getString(3),
                  policyVersion,
                  rs.getString(5)));
        }
      }
      return result;
    }
  }
}
