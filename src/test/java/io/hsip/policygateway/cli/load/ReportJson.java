package io.hsip.policygateway.cli.load;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading a load report printed with {@code --json}. */
final class ReportJson {

  private ReportJson() {}

  /** The entry of {@code kind} in the report's {@code kinds}. */
  static JsonNode kind(JsonNode report, String kind) {
    for (JsonNode k : report.path("kinds")) {
      if (k.path("kind").asText().equals(kind)) {
        return k;
      }
    }
    throw new AssertionError("no kind " + kind + " in " + report);
  }
}
