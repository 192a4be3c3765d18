package io.hsip.policygateway.policy.live;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness fails while a version of the live set is published but this replica has none loaded
 * (its first load failed or has not happened yet): it would deny everything as {@code no_policy}
 * while its peers decide. A set with no version at all is ready: every replica denies alike, and
 * the console, behind the same probe, must stay reachable for an admin to publish the first one.
 */
@Readiness
@ApplicationScoped
public class LivePolicyReadiness implements HealthCheck {

  private final LivePolicy live;
  private final AgroalDataSource dataSource;

  LivePolicyReadiness(LivePolicy live, AgroalDataSource dataSource) {
    this.live = live;
    this.dataSource = dataSource;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder builder =
        HealthCheckResponse.named("live policy").withData("set", live.policySet());
    Optional<CompiledPolicy> loaded = live.current();
    if (loaded.isPresent()) {
      return builder.up().withData("version", loaded.get().version()).build();
    }
    try {
      Optional<Integer> published = latestPublished();
      if (published.isEmpty()) {
        return builder
            .up()
            .withData("version", "none published: every request is denied (no_policy)")
            .build();
      }
      return builder
          .down()
          .withData("reason", "version " + published.get() + " is published but not loaded here")
          .build();
    } catch (SQLException e) {
      return builder.down().withData("reason", "the policy versions could not be read").build();
    }
  }

  private Optional<Integer> latestPublished() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT max(version) FROM policy_version WHERE policy_set = ?")) {
      s.setString(1, live.policySet());
      try (ResultSet row = s.executeQuery()) {
        row.next();
        int version = row.getInt(1);
        return row.wasNull() ? Optional.empty() : Optional.of(version);
      }
    }
  }
}
