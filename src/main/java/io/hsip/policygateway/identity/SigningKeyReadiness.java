package io.hsip.policygateway.identity;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness fails while the gateway has no signing key: it could only deny. */
@Readiness
@ApplicationScoped
public class SigningKeyReadiness implements HealthCheck {

  private final GatewayIdentity identity;

  SigningKeyReadiness(GatewayIdentity identity) {
    this.identity = identity;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder builder = HealthCheckResponse.named("gateway signing key");
    return identity
        .publicKey()
        .map(key -> builder.up().withData("peer_id", key.peerId().value()).build())
        .orElseGet(() -> builder.down().withData("reason", identity.problem()).build());
  }
}
