package io.hsip.policygateway.archfixture.telemetry.compliant.hsip;

/** Fixture: protocol code that knows nothing about telemetry. */
public class PlainCodec {
  public String decode(String frame) {
    return frame;
  }
}
