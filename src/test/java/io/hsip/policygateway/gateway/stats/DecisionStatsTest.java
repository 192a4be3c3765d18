package io.hsip.policygateway.gateway.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard's figures on the real database: counted here, summed over replicas there. */
@QuarkusTest
class DecisionStatsTest {

  @Inject DecisionStats stats;
  @Inject DashboardFigures figures;
  @Inject AgroalDataSource dataSource;

  @BeforeEach
  void empty() throws Exception {
    stats.flush();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM decision_minute");
    }
  }

  @Test
  void decisionsAndRuleHitsAreCountedApartAndSummedOverReplicas() throws Exception {
    stats.count(true, "allowed", List.of("allow-chat", "cap-ttl"));
    stats.count(true, "allowed", List.of("allow-chat"));
    stats.count(false, "policy_deny", List.of("deny-external"));
    stats.count(false, "replayed", List.of());
    stats.flush();
    // Another replica's counts for the same minute.
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    try (Connection c = dataSource.getConnection();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO decision_minute (minute, replica, effect, reason, rule, decisions)"
                    + " VALUES (?, 'other-replica', ?, ?, ?, ?)")) {
      Object[][] rows = {
        {"deny", "policy_deny", "", 5L}, {"deny", "", "deny-external", 5L},
      };
      for (Object[] row : rows) {
        insert.setTimestamp(1, Timestamp.from(minute));
        insert.setString(2, (String) row[0]);
        insert.setString(3, (String) row[1]);
        insert.setString(4, (String) row[2]);
        insert.setLong(5, (Long) row[3]);
        insert.executeUpdate();
      }
    }

    DashboardFigures.Snapshot snapshot = figures.snapshot(15, 10);

    assertThat(snapshot.minutes()).hasSize(15);
    assertThat(snapshot.allowed()).isEqualTo(2);
    assertThat(snapshot.denied()).isEqualTo(7);
    assertThat(snapshot.minutes().get(14).minute()).isEqualTo(minute);
    assertThat(snapshot.denyReasons())
        .containsExactly(
            new DashboardFigures.Count("policy_deny", 6),
            new DashboardFigures.Count("replayed", 1));
    assertThat(snapshot.rules())
        .containsExactly(
            new DashboardFigures.Count("deny-external", 6),
            new DashboardFigures.Count("allow-chat", 2),
            new DashboardFigures.Count("cap-ttl", 1));
  }

  @Test
  void countsOfSeveralFlushesAddUp() throws Exception {
    stats.count(false, "stale", List.of());
    stats.flush();
    stats.count(false, "stale", List.of());
    stats.count(false, "stale", List.of());
    stats.flush();
    assertThat(figures.snapshot(1, 5).denyReasons())
        .containsExactly(new DashboardFigures.Count("stale", 3));
  }

  @Test
  void thisReplicaReportsItsLivePolicy() throws Exception {
    stats.flush();
    assertThat(figures.snapshot(1, 1).replicas())
        .anySatisfy(
            replica -> {
              assertThat(replica.name()).isEqualTo(stats.replica());
              assertThat(replica.seenAt()).isAfter(Instant.now().minusSeconds(30));
            });
  }

  @Test
  void aWindowOutsideItsLimitsIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> figures.snapshot(0, 5))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> figures.snapshot(5, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
