package io.hsip.policygateway.hsip.consent;

/**
 * Remembers which (PeerID, nonce) pairs have been used, so a captured request cannot be replayed.
 *
 * <p>Contract: {@link #firstUse} is atomic across every caller that shares the guard (for the
 * gateway, across every replica); it is called only for requests whose signature already verified,
 * so forged requests cannot fill it. An implementation that cannot answer throws, and the validator
 * then rejects the request (fail closed).
 */
@FunctionalInterface
public interface ReplayGuard {

  /**
   * Records the pair if it is new.
   *
   * @param retainUntilMs the pair may be forgotten after this instant (Unix ms)
   * @return {@code true} if the pair had not been recorded before, {@code false} if it is a replay
   */
  boolean firstUse(String peerId, String nonceHex, long retainUntilMs);
}
