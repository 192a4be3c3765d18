package io.hsip.policygateway.cli.load;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Hands out request slots to the peers until the run is over (its count reached or its time up).
 *
 * <p>Open loop ({@code rate} given): slot {@code k} is due at {@code start + k / rate}; a peer that
 * takes a slot sends it at its due time, or at once if it is late, and its latency counts from the
 * due time. So when the target (or the generator) falls behind, the waiting shows in the latency
 * instead of silently lowering the rate: no coordinated omission. A slot due at or after the end is
 * never handed out. Closed loop ({@code rate} null): slots are due when taken, as fast as the peers
 * get answers.
 */
public final class Schedule {

  private final LongSupplier nanoTime;
  private final long startNanos;
  private final long endNanos;
  private final long maxCount;
  private final @Nullable Double rate;
  private final AtomicLong next = new AtomicLong();
  private final AtomicBoolean stopped = new AtomicBoolean();

  /**
   * A schedule starting now.
   *
   * @param nanoTime the clock ({@code System::nanoTime})
   * @param durationNanos how long slots are handed out
   * @param maxCount how many slots at most
   * @param rate slots per second (open loop), or null for closed loop
   */
  public Schedule(LongSupplier nanoTime, long durationNanos, long maxCount, @Nullable Double rate) {
    if (durationNanos <= 0 || maxCount <= 0 || (rate != null && !(rate > 0))) {
      throw new IllegalArgumentException("duration, count and rate must be positive");
    }
    this.nanoTime = nanoTime;
    this.startNanos = nanoTime.getAsLong();
    this.endNanos = startNanos + durationNanos;
    this.maxCount = maxCount;
    this.rate = rate;
  }

  /** When the run started, in the clock's nanoseconds. */
  public long startNanos() {
    return startNanos;
  }

  /** When no more slots are handed out, in the clock's nanoseconds. */
  public long endNanos() {
    return endNanos;
  }

  /** Whether this is an open-loop schedule. */
  public boolean openLoop() {
    return rate != null;
  }

  /**
   * The due time of {@code slot} in an open-loop schedule: {@code start + slot / rate}, rounded to
   * the nearest nanosecond.
   */
  public long dueNanos(long slot) {
    if (rate == null) {
      throw new IllegalStateException("a closed-loop schedule has no due times");
    }
    return startNanos + Math.round(slot * 1e9 / rate);
  }

  /**
   * The next slot, or -1 once the run is over: the count is reached, the time is up (closed loop),
   * the slot would be due at or after the end (open loop), or {@link #stop()} was called.
   */
  public long take() {
    if (stopped.get()) {
      return -1;
    }
    long slot = next.getAndIncrement();
    if (slot >= maxCount) {
      return -1;
    }
    if (rate != null ? dueNanos(slot) >= endNanos : nanoTime.getAsLong() >= endNanos) {
      return -1;
    }
    return slot;
  }

  /** Ends the run early: no further slot is handed out. */
  public void stop() {
    stopped.set(true);
  }

  /** Whether {@link #stop()} was called. */
  public boolean stoppedEarly() {
    return stopped.get();
  }

  /**
   * How many slots an open-loop schedule plans over its whole duration (bounded by the count); for
   * a closed loop, the count. Minus the slots sent, this is what the generator could not keep up
   * with.
   */
  public long planned() {
    if (rate == null) {
      return maxCount;
    }
    double durationSeconds = (endNanos - startNanos) / 1e9;
    // Slots 0 .. ceil(d * rate) - 1 are due before the end.
    long due = (long) Math.ceil(durationSeconds * rate);
    return Math.min(maxCount, due);
  }
}
