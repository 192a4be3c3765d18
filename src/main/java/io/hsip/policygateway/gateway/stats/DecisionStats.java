package io.hsip.policygateway.gateway.stats;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.base.Replica;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.live.LivePolicy;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This replica's decision counts per minute (by effect, reason and matched rule) and its heartbeat,
 * written to PostgreSQL every few seconds so the console's dashboard can sum them over all
 * replicas.
 *
 * <p>Counting is a map increment on the decision path; the database is touched only by the flush. A
 * flush that fails keeps its counts for the next one, so an outage delays figures but loses none
 * (within the replica's lifetime).
 */
@ApplicationScoped
public class DecisionStats {

  /** How long minute rows are kept. */
  static final Duration RETENTION = Duration.ofHours(24);

  /** Rule ids longer than the column are cut (policy ids are far shorter in practice). */
  private static final int MAX_RULE = 128;

  private final AgroalDataSource dataSource;
  private final LivePolicy policy;
  private final Clock clock;
  private final String replica;
  private final Instant startedAt;
  private final Map<Key, LongAdder> pending = new ConcurrentHashMap<>();

  DecisionStats(AgroalDataSource dataSource, LivePolicy policy, Clock clock) {
    this.dataSource = dataSource;
    this.policy = policy;
    this.clock = clock;
    this.replica = Replica.name();
    this.startedAt = clock.instant();
  }

  public String replica() {
    return replica;
  }

  /**
   * Counts one decision (a row with its reason and no rule) and each rule that matched it (rows
   * with the rule and no reason), so decisions per minute and rule hits can both be summed.
   */
  public void count(boolean allowed, String reason, List<String> matchedRules) {
    Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    String effect = allowed ? "allow" : "deny";
    add(new Key(minute, effect, reason, ""));
    for (String rule : matchedRules) {
      add(
          new Key(
              minute, effect, "", rule.length() <= MAX_RULE ? rule : rule.substring(0, MAX_RULE)));
    }
  }

  private void add(Key key) {
    pending.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  @Scheduled(
      every = "${gateway.stats.flush-interval:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduledFlush() {
    try {
      flush();
    } catch (SQLException e) {
      // Operational figures only: the counts stay pending for the next flush.
      Log.warnf("Could not write decision statistics (kept for the next try): %s", e.getMessage());
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    try {
      flush();
      try (Connection c = dataSource.getConnection();
          PreparedStatement delete =
              c.prepareStatement("DELETE FROM gateway_replica WHERE replica = ?")) {
        delete.setString(1, replica);
        delete.executeUpdate();
      }
    } catch (SQLException e) {
      Log.debugf("Decision statistics not written at shutdown: %s", e.getMessage());
    }
  }

  /** Writes the pending counts and this replica's heartbeat; public for tests and the shutdown. */
  public synchronized void flush() throws SQLException {
    Map<Key, Long> batch = new HashMap<>();
    for (Key key : List.copyOf(pending.keySet())) {
      LongAdder adder = pending.remove(key);
      if (adder != null) {
        batch.merge(key, adder.sum(), Long::sum);
      }
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        writeCounts(c, batch);
        writeHeartbeat(c);
        purge(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException | RuntimeException e) {
      batch.forEach((key, n) -> pending.computeIfAbsent(key, k -> new LongAdder()).add(n));
      throw e;
    }
  }

  private void writeCounts(Connection c, Map<Key, Long> batch) throws SQLException {
    if (batch.isEmpty()) {
      return;
    }
    try (PreparedStatement upsert =
        c.prepareStatement(
            """
            INSERT INTO decision_minute (minute, replica, effect, reason, rule, decisions)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (minute, replica, effect, reason, rule)
            DO UPDATE SET decisions = decision_minute.decisions + excluded.decisions
            """)) {
      for (Map.Entry<Key, Long> row : batch.entrySet()) {
        Key key = row.getKey();
        upsert.setTimestamp(1, Timestamp.from(key.minute()));
        upsert.setString(2, replica);
        upsert.setString(3, key.effect());
        upsert.setString(4, key.reason());
        upsert.setString(5, key.rule());
        upsert.setLong(6, row.getValue());
        upsert.addBatch();
      }
      upsert.executeBatch();
    }
  }

  private void writeHeartbeat(Connection c) throws SQLException {
    Optional<CompiledPolicy> live = policy.current();
    try (PreparedStatement upsert =
        c.prepareStatement(
            """
            INSERT INTO gateway_replica
              (replica, started_at, seen_at, policy_set, policy_version, policy_digest)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (replica) DO UPDATE SET seen_at = excluded.seen_at,
              policy_set = excluded.policy_set, policy_version = excluded.policy_version,
              policy_digest = excluded.policy_digest
            """)) {
      upsert.setString(1, replica);
      upsert.setTimestamp(2, Timestamp.from(startedAt));
      upsert.setTimestamp(3, Timestamp.from(clock.instant()));
      upsert.setString(4, live.isPresent() ? policy.policySet() : null);
      if (live.isPresent()) {
        upsert.setInt(5, live.get().version());
        upsert.setString(6, live.get().digest());
      } else {
        upsert.setNull(5, java.sql.Types.INTEGER);
        upsert.setNull(6, java.sql.Types.VARCHAR);
      }
      upsert.executeUpdate();
    }
  }

  private void purge(Connection c) throws SQLException {
    try (PreparedStatement minutes =
            c.prepareStatement("DELETE FROM decision_minute WHERE minute < ?");
        PreparedStatement replicas =
            c.prepareStatement("DELETE FROM gateway_replica WHERE seen_at < ?")) {
      minutes.setTimestamp(1, Timestamp.from(clock.instant().minus(RETENTION)));
      minutes.executeUpdate();
      replicas.setTimestamp(1, Timestamp.from(clock.instant().minus(Duration.ofHours(1))));
      replicas.executeUpdate();
    }
  }

  private record Key(Instant minute, String effect, String reason, String rule) {}
}
