package io.hsip.policygateway.cli.load;

import io.hsip.policygateway.hsip.consent.ConsentRequest;
import org.jspecify.annotations.Nullable;

/**
 * One simulated peer's connection to the target: sends a request and waits for its answer. Used by
 * one thread only; never throws for what the target does (that is an {@link Outcome}).
 */
interface PeerLink extends AutoCloseable {

  /**
   * Sends {@code request} (broken first, if {@code kind} is {@link LoadKind#MALFORMED}) and returns
   * what became of it, or null when the outcome will be reported later through the {@link
   * LateOutcomes} the link was opened with (so that the peer need not sit out a wait).
   */
  @Nullable Outcome exchange(LoadKind kind, ConsentRequest request);

  @Override
  void close();

  /**
   * Opens the link of peer number {@code index} (0-based), reporting late outcomes to {@code late}.
   */
  @FunctionalInterface
  interface Factory {
    PeerLink open(int index, LateOutcomes late);
  }

  /** Where a link reports the outcomes it did not return from {@link #exchange}. */
  interface LateOutcomes {
    /** An outcome is on its way: the run must wait for it before reporting. */
    void expect();

    /** The outcome of a request of {@code kind} sent at {@code startNanos}. */
    void report(LoadKind kind, Outcome outcome, long startNanos);
  }
}
