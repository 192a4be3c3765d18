package io.hsip.policygateway.cli.load;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the peers of one run observed, recorded concurrently: each request's kind and outcome, and
 * the latency of each answer in an HdrHistogram (microseconds, 3 significant digits, up to one
 * hour; longer values are recorded as one hour).
 */
public final class Tally {

  /** Largest latency the histogram holds, in microseconds. */
  static final long MAX_LATENCY_MICROS = TimeUnit.HOURS.toMicros(1);

  private final Recorder latencies = new Recorder(1, MAX_LATENCY_MICROS, 3);
  private final Histogram total = new Histogram(1, MAX_LATENCY_MICROS, 3);
  private final Map<KindOutcome, LongAdder> counts = new ConcurrentHashMap<>();
  private final LongAdder answered = new LongAdder();
  private final AtomicLong lastAnswerNanos = new AtomicLong(Long.MIN_VALUE);

  /** One cell of the counts: a kind of request and what became of it. */
  public record KindOutcome(LoadKind kind, Outcome outcome) {}

  /**
   * Records one request: its kind, its outcome and, if it was answered, how long the answer took
   * from {@code startNanos} (the due time in an open loop, the send time in a closed one) to {@code
   * endNanos}.
   */
  public void record(LoadKind kind, Outcome outcome, long startNanos, long endNanos) {
    counts.computeIfAbsent(new KindOutcome(kind, outcome), k -> new LongAdder()).increment();
    if (outcome.answered()) {
      answered.increment();
      long micros = Math.max(0, TimeUnit.NANOSECONDS.toMicros(endNanos - startNanos));
      latencies.recordValue(Math.min(micros, MAX_LATENCY_MICROS));
      lastAnswerNanos.accumulateAndGet(endNanos, Math::max);
    }
  }

  /** How many requests were answered so far. */
  public long answered() {
    return answered.sum();
  }

  /** When the last answer arrived, or {@link Long#MIN_VALUE} if none did. */
  public long lastAnswerNanos() {
    return lastAnswerNanos.get();
  }

  /** The counts so far, by kind and outcome. */
  public Map<KindOutcome, Long> counts() {
    Map<KindOutcome, Long> out = new HashMap<>();
    counts.forEach((key, adder) -> out.put(key, adder.sum()));
    return out;
  }

  /** A copy of the latencies recorded so far, in microseconds. */
  public synchronized Histogram latencies() {
    total.add(latencies.getIntervalHistogram());
    return total.copy();
  }
}
