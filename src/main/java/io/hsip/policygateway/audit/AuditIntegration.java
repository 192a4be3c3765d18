package io.hsip.policygateway.audit;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.audit.internal.TileStore;
import io.hsip.policygateway.audit.internal.TreeInconsistencyException;
import io.hsip.policygateway.audit.internal.TreeIntegrator;
import io.hsip.policygateway.hsip.transparency.Checkpoint;
import io.hsip.policygateway.identity.GatewayIdentity;
import io.hsip.policygateway.telemetry.AuditMetrics;
import io.hsip.policygateway.telemetry.AuditSpans;
import io.hsip.policygateway.telemetry.SpanAttributes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Runs integration in the background: every {@code audit.integration.interval}, as soon as entries
 * are appended on this replica after a quiet spell, or once {@code audit.integration.every-entries}
 * were appended, it folds pending entries into the tree and signs a checkpoint, but not more often
 * than {@code audit.integration.min-checkpoint-interval} unless a full batch is pending. Replicas
 * compete for the advisory lock; the loser skips the round.
 */
@ApplicationScoped
@Startup
public class AuditIntegration {

  private final AgroalDataSource dataSource;
  private final AuditConfig config;
  private final TreeIntegrator integrator;
  private final TileStore tiles = new TileStore();
  private final Semaphore wake = new Semaphore(0);
  private final Semaphore stopping = new Semaphore(0);
  private final AtomicLong sinceLastRound = new AtomicLong();
  private final AtomicLong lag = new AtomicLong();

  /** Epoch millis at which the oldest pending entry was recorded; 0 when none is pending. */
  private final AtomicLong oldestPending = new AtomicLong();

  private final Clock clock;
  private final Tracer tracer;
  private final Counter failures;
  private final Counter inconsistent;
  private final Counter refused;
  private volatile boolean running = true;
  private @Nullable Thread loop;

  AuditIntegration(
      AgroalDataSource dataSource,
      AuditConfig config,
      GatewayIdentity identity,
      Clock clock,
      MeterRegistry registry,
      Tracer tracer) {
    this.tracer = tracer;
    this.dataSource = dataSource;
    this.config = config;
    this.clock = clock;
    this.refused =
        Counter.builder(AuditMetrics.INTEGRATION_REFUSED)
            .description(
                "Entries refused before integration: forged, altered or moved rows (alert on any)")
            .register(registry);
    this.integrator =
        new TreeIntegrator(
            dataSource,
            tiles,
            identity::signingKey,
            config.origin(),
            clock,
            config.integration().maxBatch(),
            this::refused);
    this.failures =
        Counter.builder(AuditMetrics.INTEGRATION_FAILURES)
            .description("Integration rounds that failed (entries stay pending and are retried)")
            .register(registry);
    this.inconsistent =
        Counter.builder(AuditMetrics.INTEGRATION_INCONSISTENT)
            .description(
                "Rounds refused because the tree no longer extends the signed checkpoint (alert on any)")
            .register(registry);
    registry.gauge(AuditMetrics.INTEGRATION_LAG, lag, AtomicLong::get);
    registry.gauge(
        AuditMetrics.INTEGRATION_LAG_SECONDS, this, i -> i.pendingAge().toMillis() / 1000.0);
  }

  @PostConstruct
  void start() {
    if (config.integration().enabled()) {
      loop = Thread.ofPlatform().name("audit-integrator").daemon(true).start(this::run);
    }
  }

  @PreDestroy
  void stop() {
    running = false;
    wake.release();
    stopping.release();
    if (loop != null) {
      try {
        // Let a round in progress commit or roll back before the datasource closes.
        loop.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Entries appended but not yet integrated into the signed tree, as last measured here. */
  public long pendingEntries() {
    return lag.get();
  }

  /**
   * How long the oldest entry pending at the last measurement has waited for the signed tree, now;
   * zero when nothing was pending. The integration lag in time, as the dashboard and the metric
   * show it.
   */
  public java.time.Duration pendingAge() {
    long since = oldestPending.get();
    return since == 0
        ? java.time.Duration.ZERO
        : java.time.Duration.ofMillis(Math.max(0, clock.millis() - since));
  }

  /** The stored tree, shared with proof and export readers so that full tiles are cached once. */
  public TileStore tiles() {
    return tiles;
  }

  /** The integrator, for exports that integrate what is pending before they read. */
  public TreeIntegrator integrator() {
    return integrator;
  }

  /** Integrates everything pending now, waiting for the lock if another replica holds it. */
  public Optional<Checkpoint> integrateNow() {
    return traced(() -> integrator.integratePending(true));
  }

  /**
   * A row was refused (once per row, across replicas): loud, because someone with database access
   * wrote or changed an entry the gateway did not write. The reason names no secret.
   */
  private void refused(long seq, String reason) {
    refused.increment();
    Log.errorf(
        "Audit entry seq %d REFUSED and not integrated: %s. Someone with database access wrote or"
            + " changed it; readiness stays DOWN until it is investigated and removed"
            + " (compliance/audit-verification.md).",
        seq, reason);
  }

  void appended(int count) {
    long before = sinceLastRound.getAndAdd(count);
    // The first entries after a round wake the loop at once (an idle log is checkpointed promptly);
    // the loop's minimum checkpoint interval keeps a loaded log from signing every round.
    if (before == 0 || before + count >= config.integration().everyEntries()) {
      wake.release();
    }
  }

  private void run() {
    long interval = config.integration().interval().toMillis();
    String lastProblem = "";
    long backoff = 0;
    while (running) {
      try {
        wake.tryAcquire(interval, TimeUnit.MILLISECONDS);
        wake.drainPermits();
        sinceLastRound.set(0);
        while (running && integrateRound()) {
          // Keep going while rounds are due (a full batch pending); the next round starts at once.
        }
        long pending = measurePending();
        lastProblem = "";
        backoff = 0;
        if (pending > 0 && running) {
          // Not due yet (or another replica integrates): look again once the interval has passed,
          // rather than on every append.
          stopping.tryAcquire(
              config.integration().minCheckpointInterval().toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        failures.increment();
        measurePending();
        if (e instanceof TreeInconsistencyException) {
          inconsistent.increment();
        }
        // This thread is the edge: log a failure once, not once per second while it lasts.
        if (!lastProblem.equals(String.valueOf(e.getMessage()))) {
          Log.errorf(e, "Audit integration failed; entries stay pending and are retried");
          lastProblem = String.valueOf(e.getMessage());
        }
        // A failed round rolled back work on up to a full batch; retrying at once (appends wake the
        // loop) would repeat that work continuously. Back off, doubling up to a minute, until a
        // round succeeds.
        backoff = backoff == 0 ? Math.max(interval, 1_000) : Math.min(backoff * 2, MAX_BACKOFF_MS);
        try {
          stopping.tryAcquire(backoff, TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static final long MAX_BACKOFF_MS = 60_000;

  /** One integration round, traced; true if it signed a checkpoint. */
  private boolean integrateRound() {
    return traced(() -> integrator.integrateIfDue(config.integration().minCheckpointInterval()))
        .isPresent();
  }

  /** Runs an integration round as a span of its own, with the tree size it signed. */
  private Optional<Checkpoint> traced(java.util.function.Supplier<Optional<Checkpoint>> round) {
    Span span = tracer.spanBuilder(AuditSpans.INTEGRATE).setNoParent().startSpan();
    try (Scope ignored = span.makeCurrent()) {
      Optional<Checkpoint> signed = round.get();
      signed.ifPresent(c -> span.setAttribute(SpanAttributes.AUDIT_TREE_SIZE, c.treeSize()));
      return signed;
    } catch (RuntimeException e) {
      span.setStatus(StatusCode.ERROR);
      throw e;
    } finally {
      span.end();
    }
  }

  /** Counts the pending entries and notes when the oldest was recorded; -1 if unreachable. */
  private long measurePending() {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT count(*), min(recorded_at) FROM audit_entry WHERE leaf_index IS NULL")) {
      rows.next();
      long pending = rows.getLong(1);
      java.sql.Timestamp oldest = rows.getTimestamp(2);
      lag.set(pending);
      oldestPending.set(oldest == null ? 0 : oldest.getTime());
      return pending;
    } catch (SQLException e) {
      // Unknown: keep the last known oldest entry, so the age keeps growing while this lasts.
      lag.set(-1);
      return -1;
    }
  }
}
