package io.hsip.policygateway.gateway;

import io.hsip.policygateway.hsip.consent.ReplayGuard;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;

/**
 * The replay guard of every replica: used nonces live in PostgreSQL, so a request accepted on one
 * replica is a replay on all others. Retention is judged by the database clock, the one clock all
 * replicas share. A database failure propagates, and the validator then denies.
 */
@ApplicationScoped
public class NonceLedger implements ReplayGuard {

  @Override
  @Transactional
  public boolean firstUse(String peerId, String nonceHex, long retainUntilMs) {
    return ConsentNonce.recordFirstUse(peerId, nonceHex, Instant.ofEpochMilli(retainUntilMs));
  }

  /** Deletes nonces nobody can replay any more. Every replica may run it; it is idempotent. */
  @Scheduled(
      every = "${gateway.nonce-purge-interval:60s}", // same default as GatewayConfig
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  @Transactional
  void purge() {
    long purged = ConsentNonce.purgeExpired();
    if (purged > 0) {
      Log.debugf("Purged %d expired consent nonces", purged);
    }
  }
}
