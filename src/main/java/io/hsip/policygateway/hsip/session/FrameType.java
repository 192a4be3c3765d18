package io.hsip.policygateway.hsip.session;

import io.hsip.policygateway.hsip.crypto.Labels;
import java.nio.charset.StandardCharsets;

/** The kinds of sealed frame; each authenticates a different associated-data string. */
public enum FrameType {
  /** Consent requests and responses. */
  CONTROL(Labels.AAD_CONTROL),
  /** Opaque application data. */
  DATA(Labels.AAD_DATA),
  /** Latency probes, echoed by the peer. */
  PING(Labels.AAD_PING);

  private final String aad;

  FrameType(String aad) {
    this.aad = aad;
  }

  /** The associated data bytes. */
  byte[] aad() {
    return aad.getBytes(StandardCharsets.US_ASCII);
  }

  /** The associated data as ASCII. */
  public String aadText() {
    return aad;
  }
}
