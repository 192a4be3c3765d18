package io.hsip.policygateway.hsip.consent;

import java.util.HashMap;
import java.util.Map;

/**
 * A bounded in-process {@link ReplayGuard} for a single process (the CLI, tests, a single-node
 * listener). When full it refuses new pairs rather than forgetting live ones: better to deny than
 * to accept a replay.
 */
public final class InMemoryReplayGuard implements ReplayGuard {

  private final Map<String, Long> retainUntil = new HashMap<>();
  private final int capacity;

  /** A guard holding at most {@code capacity} live pairs. */
  public InMemoryReplayGuard(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
  }

  @Override
  public synchronized boolean firstUse(
      String peerId, String nonceHex, long now, long retainUntilMs) {
    String key = peerId + ':' + nonceHex;
    Long existing = retainUntil.get(key);
    if (existing != null && existing >= now) {
      return false;
    }
    if (existing == null && retainUntil.size() >= capacity) {
      retainUntil.values().removeIf(until -> until < now);
      if (retainUntil.size() >= capacity) {
        throw new IllegalStateException("replay guard is full");
      }
    }
    retainUntil.put(key, retainUntilMs);
    return true;
  }

  /** Number of pairs currently held (live or not yet purged). */
  public synchronized int size() {
    return retainUntil.size();
  }
}
