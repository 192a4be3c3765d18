package io.hsip.policygateway.cli.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Percentiles from the histogram, counts and expectations, exit codes and the printed forms. */
class LoadReportTest {

  private static final long MS = 1_000_000L;

  @Test
  void latency_percentilesOfAKnownDistribution() {
    Histogram micros = new Histogram(1, Tally.MAX_LATENCY_MICROS, 3);
    for (long us = 1; us <= 10_000; us++) {
      micros.recordValue(us); // 1 µs .. 10 ms, uniform
    }

    LoadReport.Latency latency = LoadReport.Latency.of(micros);

    assertThat(latency.count()).isEqualTo(10_000);
    // Three significant digits: each value within 0.1 % of the exact percentile.
    assertThat(latency.p50()).isCloseTo(5.0, within(0.005));
    assertThat(latency.p90()).isCloseTo(9.0, within(0.009));
    assertThat(latency.p99()).isCloseTo(9.9, within(0.010));
    assertThat(latency.p999()).isCloseTo(9.99, within(0.010));
    assertThat(latency.max()).isCloseTo(10.0, within(0.010));
    assertThat(latency.mean()).isCloseTo(5.0, within(0.005));
  }

  @Test
  void latency_ofNothing_isZero() {
    assertThat(LoadReport.Latency.of(new Histogram(1, Tally.MAX_LATENCY_MICROS, 3)))
        .isEqualTo(new LoadReport.Latency(0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void tally_recordsOnlyAnswersInTheHistogram_andCapsAtAnHour() {
    Tally tally = new Tally();
    tally.record(LoadKind.ALLOW, Outcome.allow("allowed"), 0, 2 * MS);
    tally.record(LoadKind.ALLOW, Outcome.noAnswer(), 0, 2_000 * MS);
    tally.record(LoadKind.DENY, Outcome.deny("policy_deny"), 0, Duration.ofHours(3).toNanos());

    Histogram latencies = tally.latencies();

    assertThat(tally.answered()).isEqualTo(2);
    assertThat(latencies.getTotalCount()).isEqualTo(2);
    assertThat(latencies.getMinValue()).isEqualTo(2_000);
    assertThat(latencies.getMaxValue()).isBetween(3_600_000_000L, 3_604_000_000L);
  }

  @Test
  void report_countsExpectationsAndFailsOnUnexpectedAnswers() {
    Tally tally = new Tally();
    for (int i = 0; i < 7; i++) {
      tally.record(LoadKind.ALLOW, Outcome.allow("allowed"), 0, MS);
    }
    tally.record(LoadKind.DENY, Outcome.deny("no_policy"), 0, MS);
    tally.record(LoadKind.REPLAYED, Outcome.deny("replayed"), 0, MS);
    tally.record(LoadKind.REPLAYED, Outcome.allow("allowed"), 0, MS); // the gateway failed open
    tally.record(LoadKind.MALFORMED, Outcome.noAnswer(), 0, 200 * MS);

    LoadReport udp = report(LoadKind.Transport.UDP, tally, 0);
    LoadReport tolerant = report(LoadKind.Transport.UDP, tally, 1);

    assertThat(udp.sent()).isEqualTo(11);
    assertThat(udp.answered()).isEqualTo(10);
    assertThat(udp.unexpected()).isEqualTo(1);
    assertThat(udp.exitCode()).isEqualTo(LoadReport.UNEXPECTED);
    assertThat(tolerant.exitCode()).isEqualTo(LoadReport.OK);
    assertThat(udp.answers())
        .containsExactly(
            java.util.Map.entry("allow", 8L),
            java.util.Map.entry("deny no_policy", 1L),
            java.util.Map.entry("deny replayed", 1L),
            java.util.Map.entry("timeout", 1L));
    assertThat(udp.kinds())
        .filteredOn(k -> k.kind().equals("replayed"))
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.expected()).isEqualTo("deny replayed");
              assertThat(k.sent()).isEqualTo(2);
              assertThat(k.asExpected()).isEqualTo(1);
              assertThat(k.unexpected()).containsExactly(java.util.Map.entry("allow", 1L));
            });
    // Over REST a malformed body must get a 400; silence is unexpected there.
    assertThat(report(LoadKind.Transport.REST, tally, 0).unexpected()).isEqualTo(2);
  }

  @Test
  void report_nothingAnswered_isUnreachable() {
    Tally tally = new Tally();
    tally.record(LoadKind.ALLOW, Outcome.noHandshake(), 0, MS);

    assertThat(report(LoadKind.Transport.UDP, tally, 100).exitCode())
        .isEqualTo(LoadReport.UNREACHABLE);
  }

  @Test
  void report_printsTextAndJson() throws Exception {
    Tally tally = new Tally();
    tally.record(LoadKind.ALLOW, Outcome.allow("allowed"), 0, 3 * MS);
    tally.record(LoadKind.DENY, Outcome.http(401), 0, MS);
    LoadReport report = report(LoadKind.Transport.REST, tally, 0);
    StringWriter text = new StringWriter();
    StringWriter json = new StringWriter();

    report.printText(new PrintWriter(text));
    report.printJson(new PrintWriter(json));

    assertThat(text.toString())
        .contains("sent        2")
        .contains("answered    2")
        .contains("latency ms  p50 ")
        .contains("http 401")
        .containsPattern("deny +-> deny policy_deny\\|no_policy +0 of 1")
        .contains("but http 401")
        .contains("unexpected  1 (tolerated 0): FAILED");
    var tree = io.hsip.policygateway.hsip.json.ObjectMappers.standard().readTree(json.toString());
    assertThat(tree.path("answered").asLong()).isEqualTo(2);
    assertThat(tree.path("latency").path("p99").asDouble()).isCloseTo(3.0, within(0.01));
    assertThat(tree.path("exit_code").asInt()).isEqualTo(1);
    assertThat(tree.path("answers").path("http 401").asLong()).isEqualTo(1);
  }

  private static LoadReport report(LoadKind.Transport transport, Tally tally, long maxUnexpected) {
    LoadSettings settings =
        new LoadSettings(
            2,
            100,
            Duration.ofSeconds(1),
            null,
            Mix.parse(Mix.DEFAULT),
            "load.allow",
            "load.deny",
            Duration.ofSeconds(1),
            Duration.ofMinutes(10),
            Duration.ofMinutes(1),
            maxUnexpected,
            false,
            Duration.ZERO);
    Schedule schedule = new Schedule(() -> 0L, 1_000 * MS, 100, null);
    return LoadReport.of(transport, "test", settings, schedule, tally, 1_000 * MS, false);
  }
}
