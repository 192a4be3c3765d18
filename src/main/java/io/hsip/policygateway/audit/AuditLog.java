package io.hsip.policygateway.audit;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.audit.internal.EntryMac;
import io.hsip.policygateway.audit.internal.EntryWriter;
import io.hsip.policygateway.identity.GatewayIdentity;
import io.hsip.policygateway.telemetry.AuditMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The durable append API of the audit log, for every feature that must leave an audit record.
 *
 * <p>{@link #append} returns only after the entry is committed in PostgreSQL, with the sequence
 * number it was committed under. Concurrent appends share one transaction (group commit), so
 * durability costs little throughput. If the entry cannot be made durable, {@link
 * AuditAppendException} is thrown: the caller must fail closed (deny, refuse the change). Every
 * such failure is counted in {@code hsip_audit_append_failures_total}; nothing is dropped silently.
 */
@ApplicationScoped
@Startup
public class AuditLog {

  /**
   * The action of an entry that voids an earlier one: {@code details.voids_seq} names it, and its
   * caller answered as if it had not been recorded (see {@link #append}).
   */
  public static final String VOID_ACTION = "audit.void";

  private final AgroalDataSource dataSource;
  private final Clock clock;
  private final AuditConfig config;
  private final AuditIntegration integration;
  private final GatewayIdentity identity;
  private final SubjectKeyEncryption subjectKeys;
  private final Counter appended;
  private final Counter failures;
  private final Counter unreconciled;
  private EntryWriter writer;

  AuditLog(
      AgroalDataSource dataSource,
      Clock clock,
      AuditConfig config,
      AuditIntegration integration,
      GatewayIdentity identity,
      SubjectKeyEncryption subjectKeys,
      MeterRegistry registry) {
    this.dataSource = dataSource;
    this.identity = identity;
    this.subjectKeys = subjectKeys;
    this.clock = clock;
    this.config = config;
    this.integration = integration;
    this.appended =
        Counter.builder(AuditMetrics.APPENDED)
            .description("Audit entries committed")
            .register(registry);
    this.failures =
        Counter.builder(AuditMetrics.APPEND_FAILURES)
            .description(
                "Audit entries that could not be made durable (their callers failed closed)")
            .register(registry);
    this.unreconciled =
        Counter.builder(AuditMetrics.APPEND_UNRECONCILED)
            .description(
                "Entries whose callers failed closed that may exist without an entry voiding them")
            .register(registry);
    registry.gauge(
        AuditMetrics.APPEND_BACKLOG, this, log -> log.writer == null ? 0 : log.writer.backlog());
    this.appendDuration =
        Timer.builder(AuditMetrics.APPEND_DURATION)
            .description("Time from handing an entry to the log to its durable commit")
            .publishPercentileHistogram()
            .register(registry);
    this.batchSize =
        DistributionSummary.builder(AuditMetrics.APPEND_BATCH_SIZE)
            .description("Entries committed per group commit")
            .publishPercentileHistogram()
            .maximumExpectedValue((double) config.append().maxBatch())
            .register(registry);
  }

  private final Timer appendDuration;
  private final DistributionSummary batchSize;

  @PostConstruct
  void start() {
    writer =
        new EntryWriter(
            dataSource,
            // Entries are authenticated with a key derived from the signing key: without one, every
            // append fails closed.
            EntryMac.keys(identity::signingKey),
            subjectKeys.subjectKeys(),
            clock,
            config.append().maxBatch(),
            config.append().queueCapacity(),
            config.append().writers(),
            new EntryWriter.Listener() {
              @Override
              public void committed(int count) {
                appended.increment(count);
                batchSize.record(count);
                integration.appended(count);
              }

              @Override
              public void failed(int count, Exception cause) {
                failures.increment(count);
              }

              @Override
              public void unreconciled(int count, Exception cause) {
                unreconciled.increment(count);
              }
            });
    writer.start();
  }

  @PreDestroy
  void stop() {
    // Commits what is queued before the datasource goes away: acknowledged work is never lost.
    writer.close();
  }

  /**
   * Appends {@code entry} and waits until it is committed.
   *
   * @return the sequence number the entry was committed under
   *     <p>If it cannot wait any longer, the entry is withdrawn when no writer holds it yet (it is
   *     then never written); otherwise it may still commit, and an {@link #VOID_ACTION} entry
   *     follows it, so the log never claims an outcome the caller did not act on.
   * @throws AuditAppendException if the entry could not be made durable within {@code
   *     audit.append.timeout}
   */
  public long append(AuditEntry entry) {
    return append(entry, List.of());
  }

  /**
   * Appends {@code entry} together with {@code conditions} (the replay ledger's nonce, rate-limit
   * counts) in one transaction, and waits until it is committed: the entry and every condition's
   * change commit together or not at all.
   *
   * @throws AuditConditionFailedException if a condition did not hold: nothing was recorded
   * @throws AuditAppendException as {@link #append(AuditEntry)}
   */
  public long append(AuditEntry entry, List<AuditCondition> conditions) {
    long start = System.nanoTime();
    try {
      return awaitDurable(
          writer, entry, conditions, config.append().timeout(), failures::increment);
    } finally {
      appendDuration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Submits {@code entry} to {@code writer} and waits for its commit. A caller that gives up
   * (timeout, interrupt) fails closed, so the log must not end up saying otherwise: an entry still
   * queued is withdrawn and never written; one a writer already holds may still commit, and if it
   * does, an {@code audit.void} entry is appended that names its sequence number and says its
   * caller acted as if it had not been recorded.
   */
  static long awaitDurable(
      EntryWriter writer, AuditEntry entry, Duration timeout, Runnable countFailure) {
    return awaitDurable(writer, entry, List.of(), timeout, countFailure);
  }

  static long awaitDurable(
      EntryWriter writer,
      AuditEntry entry,
      List<AuditCondition> conditions,
      Duration timeout,
      Runnable countFailure) {
    EntryWriter.Append done = writer.submit(entry, conditions);
    try {
      return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AuditConditionFailedException refused) {
        throw refused;
      }
      throw new AuditAppendException("The audit entry could not be made durable.", e.getCause());
    } catch (TimeoutException e) {
      giveUp(writer, entry, done, countFailure);
      throw new AuditAppendException("The audit entry was not committed in time.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      giveUp(writer, entry, done, countFailure);
      throw new AuditAppendException("Interrupted while waiting for the audit commit.", e);
    }
  }

  private static void giveUp(
      EntryWriter writer, AuditEntry entry, EntryWriter.Append done, Runnable countFailure) {
    countFailure.run();
    if (done.withdraw()) {
      return;
    }
    done.thenAccept(
        seq ->
            writer
                .submit(voiding(entry, seq))
                .whenComplete(
                    (voidSeq, failure) -> {
                      if (failure != null) {
                        // The log now holds an entry its caller did not act on, with nothing to
                        // say so: the one case an auditor must hear about from the operators.
                        countFailure.run();
                        Log.errorf(
                            failure,
                            "Audit entry %d was committed after its caller had failed closed,"
                                + " and the entry voiding it could not be written",
                            seq);
                      }
                    }));
  }

  /**
   * The entry that records that the entry at {@code seq} was committed only after its caller had
   * given up and failed closed (denied the decision, refused the change): what was answered is the
   * fail-closed result, not the entry's outcome.
   */
  static AuditEntry voiding(AuditEntry late, long seq) {
    return voiding(late, seq, "committed after its caller had failed closed");
  }

  /**
   * The entry that records that the entry at {@code seq} exists although its caller acted as if it
   * had not been recorded (it failed closed), for {@code reason}.
   */
  public static AuditEntry voiding(AuditEntry late, long seq, String reason) {
    AuditEntry.Builder voiding =
        AuditEntry.builder(late.kind(), late.actor(), VOID_ACTION)
            .subject(late.subjectPeerId())
            .outcome("void")
            .detail("voids_seq", Long.toString(seq))
            .detail("voided_action", late.action())
            .detail("reason", reason);
    if (late.outcome() != null) {
      voiding.detail("voided_outcome", late.outcome());
    }
    if (late.traceId() != null) {
      voiding.trace(late.traceId(), late.spanId());
    }
    return voiding.build();
  }

  /**
   * Appends {@code entry} without blocking: the future completes with the committed sequence
   * number, or exceptionally with an {@link AuditAppendException}. For event-loop callers; never
   * treat the entry as durable before the future completed normally.
   *
   * <p>The same guarantees as {@link #append}: after {@code audit.append.timeout} the future fails
   * and the entry is withdrawn, or, if a writer already holds it, voided should it still commit. A
   * caller that cancels the future gives up the same way.
   */
  public CompletableFuture<Long> appendAsync(AuditEntry entry) {
    return appendAsync(entry, List.of());
  }

  /**
   * The non-blocking {@link #append(AuditEntry, List)}: the future fails with an {@link
   * AuditConditionFailedException} when a condition did not hold (nothing was recorded), or with an
   * {@link AuditAppendException} as {@link #appendAsync(AuditEntry)}.
   */
  public CompletableFuture<Long> appendAsync(AuditEntry entry, List<AuditCondition> conditions) {
    return awaitDurableAsync(
        writer, entry, conditions, config.append().timeout(), failures::increment);
  }

  /**
   * The non-blocking {@link #awaitDurable}: the returned future fails at the timeout (or when its
   * caller cancels it), and then the entry is withdrawn or voided exactly as there.
   */
  static CompletableFuture<Long> awaitDurableAsync(
      EntryWriter writer, AuditEntry entry, Duration timeout, Runnable countFailure) {
    return awaitDurableAsync(writer, entry, List.of(), timeout, countFailure);
  }

  static CompletableFuture<Long> awaitDurableAsync(
      EntryWriter writer,
      AuditEntry entry,
      List<AuditCondition> conditions,
      Duration timeout,
      Runnable countFailure) {
    EntryWriter.Append done = writer.submit(entry, conditions);
    CompletableFuture<Long> answer = new CompletableFuture<>();
    done.whenComplete(
        (seq, failure) -> {
          Throwable cause =
              failure instanceof CompletionException c && c.getCause() != null
                  ? c.getCause()
                  : failure;
          if (failure == null) {
            answer.complete(seq);
          } else if (cause instanceof AuditConditionFailedException refused) {
            answer.completeExceptionally(refused);
          } else {
            answer.completeExceptionally(
                new AuditAppendException(
                    "The audit entry could not be made durable.",
                    failure instanceof CompletionException c && c.getCause() != null
                        ? c.getCause()
                        : failure));
          }
        });
    // Whoever completes `answer` first decides what the caller acts on; only a caller that ended
    // up failing closed (timeout, cancel) makes the entry be withdrawn or voided.
    CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              if (answer.completeExceptionally(
                  new AuditAppendException("The audit entry was not committed in time."))) {
                giveUp(writer, entry, done, countFailure);
              }
            });
    answer.whenComplete(
        (seq, failure) -> {
          if (answer.isCancelled()) {
            giveUp(writer, entry, done, countFailure);
          }
        });
    return answer;
  }
}
