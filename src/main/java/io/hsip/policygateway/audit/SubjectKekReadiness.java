package io.hsip.policygateway.audit;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness fails while no usable key-encryption key for the subject keys is loaded: every decision
 * about a subject would fail to be audited, and so be denied.
 */
@Readiness
@ApplicationScoped
public class SubjectKekReadiness implements HealthCheck {

  private final SubjectKeyEncryption encryption;

  SubjectKekReadiness(SubjectKeyEncryption encryption) {
    this.encryption = encryption;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder builder =
        HealthCheckResponse.named("audit subject key-encryption key");
    return encryption
        .kekId()
        .map(id -> builder.up().withData("kek_id", id).build())
        .orElseGet(() -> builder.down().withData("reason", encryption.problem()).build());
  }
}
