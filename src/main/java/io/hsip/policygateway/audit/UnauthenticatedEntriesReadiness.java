package io.hsip.policygateway.audit;

import io.hsip.policygateway.audit.internal.TreeIntegrator;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness is DOWN while the log holds entries the integrator refused (forged, altered or moved
 * rows, see {@link TreeIntegrator}) that are still present: someone with database access wrote to
 * the audit log, and an operator must investigate before the replica is trusted again. The data
 * names how many and the first {@code seq}, nothing secret. Every replica reports the same, since
 * the refusals are recorded in the log itself.
 */
@Readiness
@ApplicationScoped
public class UnauthenticatedEntriesReadiness implements HealthCheck {

  private final AuditIntegration integration;

  UnauthenticatedEntriesReadiness(AuditIntegration integration) {
    this.integration = integration;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder builder = HealthCheckResponse.named("audit entries authenticated");
    TreeIntegrator.Unauthenticated found;
    try {
      found = integration.integrator().unauthenticated();
    } catch (RuntimeException e) {
      // No key (its own check says so) or no database: nothing can be vouched for.
      return builder.down().withData("reason", "the audit log cannot be checked").build();
    }
    if (found.count() == 0) {
      return builder.up().build();
    }
    return builder
        .down()
        .withData("refused_entries", found.count())
        .withData("first_seq", found.firstSeq())
        .build();
  }
}
