package io.hsip.policygateway.policy.compile;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * The CPU time one compilation may spend, checked at the heads of the compiler's loops (rules, CEL
 * conditions, lint pairs) and between its phases, so that an expensive document is abandoned rather
 * than allowed to hold a core for seconds.
 *
 * <p>It counts the compiling thread's CPU time, not wall-clock time, so that a normal document is
 * not refused merely because the machine is busy; where the JVM cannot measure a thread's CPU time
 * (virtual threads on some platforms) it falls back to elapsed time, which is stricter.
 */
final class CompileBudget {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Lint pairs and similar small steps between two clock readings. */
  private static final int STEPS_PER_CHECK = 64;

  private final long limitNanos;
  private final boolean cpu;
  private final long start;
  private int steps;

  private CompileBudget(long limitNanos) {
    this.limitNanos = limitNanos;
    this.cpu = limitNanos != Long.MAX_VALUE && cpuTime() >= 0;
    this.start = now();
  }

  /** A budget of {@code limit}, starting now on the current thread. */
  static CompileBudget of(Duration limit) {
    return new CompileBudget(limit.toNanos());
  }

  /** No budget: for published versions, which every replica must load however busy it is. */
  static CompileBudget unlimited() {
    return new CompileBudget(Long.MAX_VALUE);
  }

  /** The budget in ms. */
  long limitMillis() {
    return limitNanos / 1_000_000;
  }

  /** Charges one small step; checks the clock every {@value #STEPS_PER_CHECK} steps. */
  void step() {
    if (++steps % STEPS_PER_CHECK == 0) {
      check();
    }
  }

  /** Checks the clock now (before and after a costly step). @throws Exceeded when spent */
  void check() {
    if (limitNanos != Long.MAX_VALUE && now() - start > limitNanos) {
      throw new Exceeded();
    }
  }

  private long now() {
    return cpu ? cpuTime() : System.nanoTime();
  }

  private static long cpuTime() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
  }

  /** The budget is spent; the compilation unwinds to {@link PolicyCompiler}, which reports it. */
  static final class Exceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Exceeded() {
      super("compilation budget exceeded", null, false, false);
    }
  }
}
