package io.hsip.policygateway.gateway.udp;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness fails while a configured HSIP listener is not bound: its peers get no answer. */
@Readiness
@ApplicationScoped
public class ListenersReadiness implements HealthCheck {

  private final UdpListeners listeners;

  ListenersReadiness(UdpListeners listeners) {
    this.listeners = listeners;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder builder = HealthCheckResponse.named("listeners bound");
    listeners.boundPorts().forEach((name, port) -> builder.withData(name, port));
    listeners.problems().forEach(builder::withData);
    return builder.status(listeners.problems().isEmpty()).build();
  }
}
