package io.hsip.policygateway.cli.load;

import io.hsip.policygateway.hsip.consent.ConsentRequest;

/**
 * One simulated peer's connection to the target: sends a request and waits for its answer. Used by
 * one thread only; never throws for what the target does (that is an {@link Outcome}).
 */
interface PeerLink extends AutoCloseable {

  /**
   * Sends {@code request} (broken first, if {@code kind} is {@link LoadKind#MALFORMED}) and returns
   * what became of it.
   */
  Outcome exchange(LoadKind kind, ConsentRequest request);

  @Override
  void close();

  /** Opens the link of peer number {@code index} (0-based). */
  @FunctionalInterface
  interface Factory {
    PeerLink open(int index);
  }
}
