package io.hsip.policygateway.archfixture.telemetry.compliant.gateway;

import io.hsip.policygateway.archfixture.telemetry.compliant.hsip.PlainCodec;
import io.opentelemetry.api.trace.Span;

/** Fixture: a feature traces around the protocol code it calls (allowed outside hsip). */
public class TracedStage {
  public String run(String frame) {
    Span.current().addEvent("decode");
    return new PlainCodec().decode(frame);
  }
}
