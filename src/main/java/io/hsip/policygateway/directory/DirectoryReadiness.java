package io.hsip.policygateway.directory;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness fails while the member directory cannot answer (never loaded, or stale with the
 * database unreachable): every decision would be a deny.
 */
@Readiness
@ApplicationScoped
public class DirectoryReadiness implements HealthCheck {

  private final MemberDirectory directory;

  DirectoryReadiness(MemberDirectory directory) {
    this.directory = directory;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder builder = HealthCheckResponse.named("member directory");
    return directory
        .unavailableReason()
        .map(reason -> builder.down().withData("reason", reason).build())
        .orElseGet(() -> builder.up().withData("identities", directory.size()).build());
  }
}
