package io.hsip.policygateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Spans are sampled (and so exported) only when an OTLP endpoint other than Quarkus' default is
 * named.
 */
class SamplerProducerTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  @Test
  void forEndpoints_noneConfigured_dropsEverySpan() {
    assertThat(decision(Optional.empty(), Optional.empty())).isEqualTo(SamplingDecision.DROP);
  }

  @Test
  void forEndpoints_blankOrQuarkusDefault_countsAsNotConfigured() {
    assertThat(decision(Optional.of("  "), Optional.empty())).isEqualTo(SamplingDecision.DROP);
    assertThat(
            decision(Optional.of("http://localhost:4317/"), Optional.of("http://localhost:4317/")))
        .isEqualTo(SamplingDecision.DROP);
  }

  @Test
  void forEndpoints_tracesEndpoint_samples() {
    assertThat(decision(Optional.of("http://collector:4318"), Optional.empty()))
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
  }

  @Test
  void forEndpoints_genericEndpoint_samples() {
    assertThat(
            decision(Optional.of("http://localhost:4317/"), Optional.of("http://collector:4318")))
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
  }

  private static SamplingDecision decision(
      Optional<String> tracesEndpoint, Optional<String> endpoint) {
    Sampler sampler = SamplerProducer.forEndpoints(tracesEndpoint, endpoint);
    return sampler
        .shouldSample(
            Context.root(), TRACE_ID, "span", SpanKind.SERVER, Attributes.empty(), List.of())
        .getDecision();
  }
}
