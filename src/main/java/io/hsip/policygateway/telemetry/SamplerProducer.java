package io.hsip.policygateway.telemetry;

import io.opentelemetry.sdk.trace.samplers.Sampler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Records and exports spans only when an OTLP collector is configured. Without one, every span is
 * still created with a trace id and a span id (log lines and problem responses carry them) but is
 * not sampled, so nothing is queued for export and no connection to a missing collector is ever
 * attempted.
 */
@ApplicationScoped
public class SamplerProducer {

  /** The endpoint of the trace exporter; the generic OTLP endpoint applies when it is unset. */
  static final String TRACES_ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";

  /** The generic OTLP endpoint (traces, metrics and logs). */
  static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";

  /**
   * The built-in default of both endpoints, which Quarkus itself treats as "not configured". The
   * exporter speaks http/protobuf, whose port is 4318, so a real collector is never named by this
   * gRPC address.
   */
  static final String QUARKUS_DEFAULT_ENDPOINT = "http://localhost:4317/";

  /**
   * The sampler that replaces {@code quarkus.otel.traces.sampler}: parent-based when exporting,
   * else off.
   */
  @Produces
  @Singleton
  Sampler sampler(
      @ConfigProperty(name = TRACES_ENDPOINT) Optional<String> tracesEndpoint,
      @ConfigProperty(name = ENDPOINT) Optional<String> endpoint) {
    return forEndpoints(tracesEndpoint, endpoint);
  }

  static Sampler forEndpoints(Optional<String> tracesEndpoint, Optional<String> endpoint) {
    return configured(tracesEndpoint) || configured(endpoint)
        ? Sampler.parentBased(Sampler.alwaysOn())
        : Sampler.alwaysOff();
  }

  private static boolean configured(Optional<String> endpoint) {
    return endpoint
        .map(String::strip)
        .filter(value -> !value.isEmpty() && !value.equals(QUARKUS_DEFAULT_ENDPOINT))
        .isPresent();
  }
}
