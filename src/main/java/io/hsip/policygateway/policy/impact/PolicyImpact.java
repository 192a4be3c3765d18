package io.hsip.policygateway.policy.impact;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.audit.AuditReader;
import io.hsip.policygateway.audit.EntryPages;
import io.hsip.policygateway.policy.PolicyConfig;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.hsip.policygateway.policy.lifecycle.PolicyProblems;
import io.hsip.policygateway.telemetry.PolicySpans;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/**
 * Impact analysis: what a draft would have changed in the decisions the audit log recorded (see
 * {@link ImpactReplay}). One analysis runs at a time per replica, within {@code
 * policy.impact.max-duration}; it reads the log in keyset pages and keeps only counts, groups and a
 * few samples, so its memory does not grow with the window.
 */
@ApplicationScoped
public class PolicyImpact {

  private final PolicyLifecycle lifecycle;
  private final AuditReader audit;
  private final EntryPages pages;
  private final PolicyConfig.Impact config;
  private final Clock clock;
  private final Semaphore running = new Semaphore(1);

  PolicyImpact(
      PolicyLifecycle lifecycle,
      AuditReader audit,
      AgroalDataSource dataSource,
      PolicyConfig config,
      Clock clock) {
    this.lifecycle = lifecycle;
    this.audit = audit;
    this.pages = new EntryPages(dataSource);
    this.config = config.impact();
    this.clock = clock;
  }

  /** The slot of the one analysis this replica runs at a time (tests hold it to be refused). */
  Semaphore slot() {
    return running;
  }

  /**
   * Replays the decisions recorded in [{@code from}, {@code to}) against draft {@code id}.
   *
   * @param from start of the window; default {@code policy.impact.default-window} before {@code to}
   * @param to end of the window; default now
   * @throws io.hsip.policygateway.base.error.ProblemException 404 for an unknown draft, 400 for an
   *     empty or inverted window, 503 while another analysis runs here or the log cannot be read
   */
  @WithSpan(PolicySpans.IMPACT)
  public ImpactReport analyse(UUID id, @Nullable Instant from, @Nullable Instant to) {
    Instant end = to == null ? clock.instant() : to;
    Instant start = from == null ? end.minus(config.defaultWindow()) : from;
    if (!start.isBefore(end)) {
      throw PolicyProblems.INVALID_QUERY.exception(
          "the window is empty: `from` (" + start + ") must be before `to` (" + end + ")");
    }
    CompiledPolicy draft = lifecycle.compiledDraft(id);
    if (!running.tryAcquire()) {
      throw PolicyProblems.IMPACT_BUSY
          .exception("another impact analysis is running on this replica; retry when it ends")
          .withRetryAfter(Duration.ofSeconds(5));
    }
    try {
      Map<String, String> peers = audit.peersByPseudonym(ImpactReplay.namedPeerIds(draft));
      ImpactReplay replay =
          new ImpactReplay(
              pages,
              new ImpactReplay.Settings(
                  config.pageSize(),
                  config.maxDuration(),
                  ImpactReplay.Settings.DEFAULTS.maxGroups(),
                  ImpactReplay.Settings.DEFAULTS.reportedGroups(),
                  ImpactReplay.Settings.DEFAULTS.samplesPerGroup()),
              System::nanoTime);
      ImpactReport report = replay.run(draft, peers, start, end);
      Log.infof(
          "Impact analysis of draft %s over %s..%s: %d decisions read, %d replayed, %d changed,"
              + " %d ms%s",
          id,
          start,
          end,
          report.decisions(),
          report.replayed(),
          report.changed(),
          report.durationMs(),
          report.complete() ? "" : " (stopped at the time budget)");
      return report;
    } catch (SQLException e) {
      Log.warnf("Impact analysis of draft %s could not read the audit log: %s", id, e.getMessage());
      throw PolicyProblems.IMPACT_UNAVAILABLE
          .exception("the recorded decisions cannot be read now; retry later")
          .withRetryAfter(Duration.ofSeconds(5));
    } finally {
      running.release();
    }
  }
}
