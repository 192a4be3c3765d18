package io.hsip.policygateway.gateway.ratelimit;

import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;

/** Forgets rate-limit windows nobody can count in any more. Every replica may run it. */
@ApplicationScoped
public class RateLimitWindows {

  private final AgroalDataSource dataSource;
  private final Clock clock;

  RateLimitWindows(AgroalDataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  @Scheduled(every = "60s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void purge() {
    try {
      long purged = purgeBefore(clock.instant());
      if (purged > 0) {
        Log.debugf("Purged %d expired rate-limit windows", purged);
      }
    } catch (SQLException e) {
      // Nothing waits for the purge; the next run catches up.
      Log.warnf("Could not purge expired rate-limit windows: %s", e.getMessage());
    }
  }

  /** Deletes the windows retained until before {@code cutoff}; returns how many. */
  long purgeBefore(Instant cutoff) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement delete =
            c.prepareStatement("DELETE FROM rate_limit_window WHERE retain_until < ?")) {
      delete.setTimestamp(1, Timestamp.from(cutoff));
      return delete.executeUpdate();
    }
  }
}
