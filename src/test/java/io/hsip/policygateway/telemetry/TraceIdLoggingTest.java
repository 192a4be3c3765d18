package io.hsip.policygateway.telemetry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Log lines written while serving a request carry its trace and span ids, even though no collector
 * is configured in tests and so no span is sampled for export.
 */
@QuarkusTest
class TraceIdLoggingTest {

  private static final String UPSTREAM_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  @ConfigProperty(name = "quarkus.log.console.format")
  String consoleFormat;

  @Test
  void consoleFormatPrintsTheMdcKeysOpenTelemetryFills() {
    assertThat(consoleFormat).contains("traceId=%X{traceId}").contains("spanId=%X{spanId}");
  }

  @Test
  void requestRunsInASpanWhoseIdsAreInTheMdc_butNothingIsSampledWithoutACollector() {
    JsonPath body =
        given().when().get("/api/test-only/trace").then().statusCode(200).extract().jsonPath();

    assertThat(body.getString("mdc_trace_id"))
        .matches("[0-9a-f]{32}")
        .isNotEqualTo("0".repeat(32))
        .isEqualTo(body.getString("span_trace_id"));
    assertThat(body.getString("mdc_span_id"))
        .matches("[0-9a-f]{16}")
        .isEqualTo(body.getString("span_id"));
    assertThat(body.getBoolean("sampled")).isFalse();
  }

  @Test
  void incomingTraceparentIsContinued_soLogsCorrelateWithTheCaller() {
    JsonPath body =
        given()
            .header("traceparent", "00-" + UPSTREAM_TRACE + "-00f067aa0ba902b7-01")
            .when()
            .get("/api/test-only/trace")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();

    assertThat(body.getString("mdc_trace_id")).isEqualTo(UPSTREAM_TRACE);
    // A sampled caller does not switch export on here: without a collector there is nowhere to send
    // it.
    assertThat(body.getBoolean("sampled")).isFalse();
  }
}
