package io.hsip.policygateway.gateway.replay;

import io.hsip.policygateway.gateway.GatewayConfig;
import io.hsip.policygateway.hsip.consent.ReplayGuard;
import io.hsip.policygateway.telemetry.DecisionMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replay guard of every replica: used nonces live in PostgreSQL, so a request accepted on one
 * replica is a replay on all others. A database failure propagates, and the validator then denies.
 *
 * <p>Retention is judged by the replica clock that judged the request fresh, never by the database
 * clock: a database clock running ahead of the replica's by more than the skew would otherwise see
 * a nonce as expired while the replica still accepts its request, and a replay would pass. The
 * purge, which no request waits for, keeps one more skew of margin for replicas whose clocks run
 * ahead of the others.
 */
@ApplicationScoped
public class NonceLedger implements ReplayGuard {

  private final Clock clock;
  private final GatewayConfig config;

  /** Rows in consent_nonce at the last count (after the last purge); -1 until the first. */
  private final AtomicLong entries = new AtomicLong(-1);

  @Inject
  NonceLedger(GatewayConfig config, MeterRegistry meters) {
    this(config, Clock.systemUTC());
    Gauge.builder(DecisionMetrics.REPLAY_LEDGER_ENTRIES, entries, AtomicLong::get)
        .description(
            "Nonces the shared replay ledger holds (all replicas), counted after each purge")
        .register(meters);
  }

  NonceLedger(GatewayConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  @Transactional
  public boolean firstUse(String peerId, String nonceHex, long nowMs, long retainUntilMs) {
    return ConsentNonce.recordFirstUse(
        peerId, nonceHex, Instant.ofEpochMilli(nowMs), Instant.ofEpochMilli(retainUntilMs));
  }

  /** Deletes nonces nobody can replay any more. Every replica may run it; it is idempotent. */
  @Scheduled(
      every = "${gateway.nonce-purge-interval:60s}", // same default as GatewayConfig
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  @Transactional
  void purge() {
    long purged = ConsentNonce.purgeExpired(clock.instant().minus(config.consent().clockSkew()));
    if (purged > 0) {
      Log.debugf("Purged %d expired consent nonces", purged);
    }
    countEntries();
  }

  /**
   * Counts the ledger for the metric. The ledger holds only nonces still inside their retention
   * (minutes), so the count stays cheap; it runs once per purge, never on a request.
   */
  public void countEntries() {
    entries.set(ConsentNonce.count());
  }
}
