package io.hsip.policygateway.archfixture.telemetry.violating.hsip;

import io.micrometer.core.instrument.Counter;

/** Fixture: protocol code that counts with Micrometer (forbidden in hsip). */
public class CountedCodec {
  private final Counter decoded;

  public CountedCodec(Counter decoded) {
    this.decoded = decoded;
  }

  public String decode(String frame) {
    decoded.increment();
    return frame;
  }
}
