package io.hsip.policygateway.base;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/** Provides the one {@link Clock} every time-dependent bean uses, so tests can control time. */
@ApplicationScoped
public class ClockProducer {

  /** The system clock in UTC. */
  @Produces
  @ApplicationScoped
  Clock clock() {
    return Clock.systemUTC();
  }
}
