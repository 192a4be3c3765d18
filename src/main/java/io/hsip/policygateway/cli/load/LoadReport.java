package io.hsip.policygateway.cli.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The figures of one load run and its exit code, printed as text or JSON.
 *
 * @param mode {@code udp} or {@code rest}
 * @param target where the requests went
 * @param peers simulated peers
 * @param loop {@code closed loop} or {@code open loop at R/s}
 * @param mix the mix asked for
 * @param durationSeconds from the start until the last peer stopped
 * @param sent requests started (including those whose handshake failed)
 * @param answered requests that got an answer (allow, deny, or an HTTP status)
 * @param throughput answers per second, from the start to the last answer
 * @param missed open loop only: requests due before the end that no peer was free to send
 * @param latency answer latency percentiles
 * @param answers how often each outcome occurred, most frequent first
 * @param kinds for each kind of request in the mix, how often it got the expected answer
 * @param unexpected requests that did not get the answer their kind expects
 * @param maxUnexpected how many were tolerated
 * @param stoppedEarly whether the run stopped before its end because the target was unreachable
 * @param exitCode 0 ok, 1 too many unexpected answers, 3 unreachable or nothing answered
 */
public record LoadReport(
    String mode,
    String target,
    int peers,
    String loop,
    String mix,
    double durationSeconds,
    long sent,
    long answered,
    double throughput,
    long missed,
    Latency latency,
    Map<String, Long> answers,
    List<KindResult> kinds,
    long unexpected,
    long maxUnexpected,
    boolean stoppedEarly,
    int exitCode) {

  /** Exit code: every answer as expected (or no more unexpected ones than tolerated). */
  public static final int OK = 0;

  /** Exit code: more unexpected answers than {@code --max-unexpected}. */
  public static final int UNEXPECTED = 1;

  /** Exit code: a usage error (as picocli's). */
  public static final int USAGE = 2;

  /** Exit code: the target was unreachable or answered nothing. */
  public static final int UNREACHABLE = 3;

  /**
   * Latency of the answers, in milliseconds (microsecond resolution, 3 significant digits).
   *
   * @param count answers measured
   */
  public record Latency(
      long count, double p50, double p90, double p99, double p999, double max, double mean) {

    /** The percentiles of a histogram of microseconds; all zero when it is empty. */
    public static Latency of(Histogram micros) {
      if (micros.getTotalCount() == 0) {
        return new Latency(0, 0, 0, 0, 0, 0, 0);
      }
      return new Latency(
          micros.getTotalCount(),
          ms(micros.getValueAtPercentile(50.0)),
          ms(micros.getValueAtPercentile(90.0)),
          ms(micros.getValueAtPercentile(99.0)),
          ms(micros.getValueAtPercentile(99.9)),
          ms(micros.getMaxValue()),
          micros.getMean() / 1000.0);
    }

    private static double ms(long micros) {
      return micros / 1000.0;
    }
  }

  /**
   * How one kind of request fared.
   *
   * @param kind the kind, as named in {@code --mix}
   * @param expected the answer a correct gateway gives it
   * @param sent how many were sent
   * @param asExpected how many got that answer
   * @param unexpected the other outcomes and their counts
   */
  public record KindResult(
      String kind, String expected, long sent, long asExpected, Map<String, Long> unexpected) {}

  /** Sums up a finished run. */
  public static LoadReport of(
      LoadKind.Transport transport,
      String target,
      LoadSettings settings,
      Schedule schedule,
      Tally tally,
      long endNanos,
      boolean stoppedEarly) {
    Map<Tally.KindOutcome, Long> counts = tally.counts();
    Map<String, Long> answers = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(
            Comparator.comparing(
                (Map.Entry<Tally.KindOutcome, Long> e) -> e.getKey().outcome().label()))
        .forEach(e -> answers.merge(e.getKey().outcome().label(), e.getValue(), Long::sum));
    List<KindResult> kinds = new ArrayList<>();
    long sent = 0;
    long unexpected = 0;
    for (LoadKind kind : LoadKind.values()) {
      long kindSent = 0;
      long asExpected = 0;
      Map<String, Long> others = new LinkedHashMap<>();
      for (Map.Entry<Tally.KindOutcome, Long> e : counts.entrySet()) {
        if (e.getKey().kind() != kind) {
          continue;
        }
        kindSent += e.getValue();
        if (kind.expects(e.getKey().outcome(), transport)) {
          asExpected += e.getValue();
        } else {
          others.merge(e.getKey().outcome().label(), e.getValue(), Long::sum);
        }
      }
      if (kindSent > 0 || settings.mix().weights().get(kind) > 0) {
        kinds.add(
            new KindResult(
                kind.label(),
                kind.expectation(transport),
                kindSent,
                asExpected,
                sortByCount(others)));
      }
      sent += kindSent;
      unexpected += kindSent - asExpected;
    }
    long answered = tally.answered();
    double elapsed = Math.max(0, endNanos - schedule.startNanos()) / 1e9;
    double answering =
        answered == 0 ? 0 : Math.max(1, tally.lastAnswerNanos() - schedule.startNanos()) / 1e9;
    long missed = schedule.openLoop() && !stoppedEarly ? Math.max(0, schedule.planned() - sent) : 0;
    int exitCode;
    if (answered == 0) {
      exitCode = UNREACHABLE;
    } else if (unexpected > settings.maxUnexpected()) {
      exitCode = UNEXPECTED;
    } else {
      exitCode = OK;
    }
    return new LoadReport(
        transport.name().toLowerCase(Locale.ROOT),
        target,
        settings.peers(),
        settings.loop(),
        settings.mix().toString(),
        round(elapsed, 3),
        sent,
        answered,
        answered == 0 ? 0 : round(answered / answering, 1),
        missed,
        Latency.of(tally.latencies()),
        sortByCount(answers),
        kinds,
        unexpected,
        settings.maxUnexpected(),
        stoppedEarly,
        exitCode);
  }

  /** Prints the report as aligned text. */
  public void printText(PrintWriter out) {
    out.printf(
        Locale.ROOT, "hsip load %s -> %s: %d peers, %s, mix %s%n", mode, target, peers, loop, mix);
    out.printf(Locale.ROOT, "duration    %.2f s%n", durationSeconds);
    out.printf(Locale.ROOT, "sent        %d%n", sent);
    out.printf(Locale.ROOT, "answered    %d%n", answered);
    out.printf(Locale.ROOT, "throughput  %.1f answers/s%n", throughput);
    if (loop.startsWith("open")) {
      out.printf(
          Locale.ROOT, "missed      %d (due before the end, no peer free to send)%n", missed);
    }
    out.printf(
        Locale.ROOT,
        "latency ms  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (mean %.3f, n=%d)%n",
        latency.p50(),
        latency.p90(),
        latency.p99(),
        latency.p999(),
        latency.max(),
        latency.mean(),
        latency.count());
    out.println("answers");
    answers.forEach((label, n) -> out.printf(Locale.ROOT, "  %-28s %10d%n", label, n));
    out.println("expected answers");
    for (KindResult kind : kinds) {
      out.printf(
          Locale.ROOT,
          "  %-14s -> %-28s %10d of %d%n",
          kind.kind(),
          kind.expected(),
          kind.asExpected(),
          kind.sent());
      kind.unexpected()
          .forEach(
              (label, n) -> out.printf(Locale.ROOT, "  %14s    but %-24s %10d%n", "", label, n));
    }
    out.printf(
        Locale.ROOT,
        "unexpected  %d (tolerated %d)%s%n",
        unexpected,
        maxUnexpected,
        switch (exitCode) {
          case OK -> "";
          case UNEXPECTED -> ": FAILED";
          default -> stoppedEarly ? ": target unreachable" : ": nothing answered";
        });
    out.flush();
  }

  /** Prints the report as one JSON object (snake_case members, as the record's components). */
  public void printJson(PrintWriter out) {
    try {
      out.println(
          ObjectMappers.records().writerWithDefaultPrettyPrinter().writeValueAsString(this));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a load report did not serialise", e);
    }
    out.flush();
  }

  private static Map<String, Long> sortByCount(Map<String, Long> counts) {
    Map<String, Long> out = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
