package io.hsip.policygateway.audit;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.audit.internal.EntryWriter;
import io.hsip.policygateway.telemetry.AuditMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
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

  private final AgroalDataSource dataSource;
  private final Clock clock;
  private final AuditConfig config;
  private final AuditIntegration integration;
  private final Counter appended;
  private final Counter failures;
  private EntryWriter writer;

  AuditLog(
      AgroalDataSource dataSource,
      Clock clock,
      AuditConfig config,
      AuditIntegration integration,
      MeterRegistry registry) {
    this.dataSource = dataSource;
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
    registry.gauge(
        AuditMetrics.APPEND_BACKLOG, this, log -> log.writer == null ? 0 : log.writer.backlog());
  }

  @PostConstruct
  void start() {
    writer =
        new EntryWriter(
            dataSource,
            clock,
            config.append().maxBatch(),
            config.append().queueCapacity(),
            config.append().writers(),
            new EntryWriter.Listener() {
              @Override
              public void committed(int count) {
                appended.increment(count);
                integration.appended(count);
              }

              @Override
              public void failed(int count, Exception cause) {
                failures.increment(count);
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
   * @throws AuditAppendException if the entry could not be made durable within {@code
   *     audit.append.timeout}
   */
  public long append(AuditEntry entry) {
    CompletableFuture<Long> done = writer.submit(entry);
    try {
      return done.get(config.append().timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AuditAppendException("The audit entry could not be made durable.", e.getCause());
    } catch (TimeoutException e) {
      // The entry may still commit later; the caller must not rely on it, so this counts as a
      // failure.
      failures.increment();
      throw new AuditAppendException("The audit entry was not committed in time.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failures.increment();
      throw new AuditAppendException("Interrupted while waiting for the audit commit.", e);
    }
  }

  /**
   * Appends {@code entry} without blocking: the future completes with the committed sequence
   * number, or exceptionally with an {@link AuditAppendException}. For event-loop callers; never
   * treat the entry as durable before the future completed normally.
   */
  public CompletableFuture<Long> appendAsync(AuditEntry entry) {
    return writer
        .submit(entry)
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    new AuditAppendException(
                        "The audit entry could not be made durable.",
                        e instanceof CompletionException c && c.getCause() != null
                            ? c.getCause()
                            : e)));
  }
}
