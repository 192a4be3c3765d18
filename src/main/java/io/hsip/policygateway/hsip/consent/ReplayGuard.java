package io.hsip.policygateway.hsip.consent;

/**
 * Remembers which (PeerID, nonce) pairs have been used, so a captured request cannot be replayed.
 *
 * <p>Contract: {@link #firstUse} is atomic across every caller that shares the guard (for the
 * gateway, across every replica); it is called only for requests whose signature already verified,
 * so forged requests cannot fill it. An implementation that cannot answer throws, and the validator
 * then rejects the request (fail closed).
 *
 * <p>One clock: whether a recorded pair has expired is judged by {@code nowMs}, the same clock that
 * judged the request fresh, never by another clock (such as the database's). A pair is free again
 * only when {@code retainUntilMs < nowMs}, and by then the validator has already refused the
 * request as stale on that same clock; a guard clock running ahead of the validator's would free
 * pairs that are still replayable.
 */
@FunctionalInterface
public interface ReplayGuard {

  /**
   * Records the pair if it is new.
   *
   * @param nowMs the instant (Unix ms) at which the caller judged the request fresh
   * @param retainUntilMs the pair may be forgotten after this instant (Unix ms, same clock)
   * @return {@code true} if the pair had not been recorded before (or its retention ended before
   *     {@code nowMs}), {@code false} if it is a replay
   */
  boolean firstUse(String peerId, String nonceHex, long nowMs, long retainUntilMs);
}
