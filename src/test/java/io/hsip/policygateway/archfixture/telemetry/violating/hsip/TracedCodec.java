package io.hsip.policygateway.archfixture.telemetry.violating.hsip;

import io.opentelemetry.api.trace.Span;

/** Fixture: protocol code that opens a span itself (forbidden in hsip). */
public class TracedCodec {
  public String decode(String frame) {
    Span.current().addEvent("decode");
    return frame;
  }
}
