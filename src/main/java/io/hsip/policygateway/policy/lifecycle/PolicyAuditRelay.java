package io.hsip.policygateway.policy.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.audit.AuditAppendException;
import io.hsip.policygateway.audit.AuditEntry;
import io.hsip.policygateway.audit.AuditLog;
import io.hsip.policygateway.hsip.Sha256;
import io.hsip.policygateway.telemetry.PolicyMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Folds policy admin events into the tamper-evident audit log.
 *
 * <p>{@code policy_admin_event} is the transactional outbox of policy changes: each change commits
 * together with its event, so no change can exist without one. This relay appends the events, in
 * commit (id) order, as {@code admin-change} audit entries carrying the SSO actor and the event id.
 * Each event is relayed in a short transaction of its own that locks the relay position (so one
 * replica relays at a time), appends, and advances the position; a refused append rolls that step
 * back and the run stops, to resume there on the next run. Delivery is at least once: a crash
 * between an append and its position update relays that event again, and the duplicate carries the
 * same {@code policy_event_id}. An event that cannot be expressed as an audit entry at all is
 * recorded as {@code policy.event.unrecordable} with its id and digest, so it can neither be lost
 * nor block the events after it.
 */
@ApplicationScoped
public class PolicyAuditRelay {

  /** Events relayed per run; the next run continues where this one stopped. */
  static final int BATCH = 500;

  /** Members of {@code details} the relay itself always writes. */
  private static final int FIXED_DETAILS = 6;

  private enum Step {
    RELAYED,
    NOTHING_PENDING,
    BUSY_ELSEWHERE,
    REFUSED
  }

  private final AuditLog auditLog;
  private final Counter relayed;
  private final Counter failures;
  private final Counter unrecordable;

  PolicyAuditRelay(AuditLog auditLog, MeterRegistry registry) {
    this.auditLog = auditLog;
    this.relayed =
        Counter.builder(PolicyMetrics.AUDIT_RELAYED)
            .description("Policy admin events appended to the audit log")
            .register(registry);
    this.failures =
        Counter.builder(PolicyMetrics.AUDIT_RELAY_FAILURES)
            .description("Relay steps stopped because the audit log refused an entry (retried)")
            .register(registry);
    this.unrecordable =
        Counter.builder(PolicyMetrics.AUDIT_RELAY_UNRECORDABLE)
            .description(
                "Policy admin events recorded only by id and digest (not expressible as entries)")
            .register(registry);
  }

  @Scheduled(
      every = "${policy.audit-relay-interval:1s}", // same default as PolicyConfig
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduled() {
    relayPending();
  }

  /**
   * Appends the events not yet in the audit log, up to {@link #BATCH}.
   *
   * @return how many were appended; 0 also when another replica is relaying at this moment
   */
  public int relayPending() {
    int appended = 0;
    while (appended < BATCH) {
      Step step = QuarkusTransaction.requiringNew().call(this::relayNext);
      if (step != Step.RELAYED) {
        break;
      }
      appended++;
    }
    return appended;
  }

  /**
   * One event in one transaction: lock the position, append the next event, advance the position.
   */
  private Step relayNext() {
    @SuppressWarnings("unchecked")
    List<Number> position =
        PolicyAdminEvent.getEntityManager()
            .createNativeQuery(
                "SELECT last_event_id FROM policy_audit_relay FOR UPDATE SKIP LOCKED")
            .getResultList();
    if (position.isEmpty()) {
      return Step.BUSY_ELSEWHERE;
    }
    List<PolicyAdminEvent> next = PolicyAdminEvent.after(position.get(0).longValue(), 1);
    if (next.isEmpty()) {
      return Step.NOTHING_PENDING;
    }
    PolicyAdminEvent event = next.get(0);
    try {
      auditLog.append(entryOrPlaceholder(event));
    } catch (AuditAppendException e) {
      failures.increment();
      Log.warnf(
          "Audit log refused policy admin event %d; relaying resumes there on the next run",
          event.id);
      QuarkusTransaction.setRollbackOnly();
      return Step.REFUSED;
    }
    PolicyAdminEvent.getEntityManager()
        .createNativeQuery("UPDATE policy_audit_relay SET last_event_id = :id, relayed_at = now()")
        .setParameter("id", event.id)
        .executeUpdate();
    relayed.increment();
    return Step.RELAYED;
  }

  AuditEntry entryOrPlaceholder(PolicyAdminEvent event) {
    try {
      return entryOf(event);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // The event is durable in its own table; the log records that it exists and what it hashes
      // to.
      unrecordable.increment();
      Log.warnf(
          "Policy admin event %d cannot be an audit entry (%s); recording its id and digest",
          event.id, e.getMessage());
      return AuditEntry.adminChange(clean(event.actor), "policy.event.unrecordable")
          .outcome("failed")
          .detail("policy_event_id", Long.toString(event.id))
          .detail("details_sha256", detailsDigest(event))
          .build();
    }
  }

  /**
   * The audit entry of an event: actor, {@code policy.<action>}, the version digest (for versions;
   * drafts are not policy versions), the event's identity and its details; the SHA-256 of the full
   * details commits the log to them even where a value had to be shortened or cleaned for display.
   */
  static AuditEntry entryOf(PolicyAdminEvent event) {
    boolean versionEvent = event.version != null;
    AuditEntry.Builder entry =
        AuditEntry.adminChange(event.actor, "policy." + event.action)
            .outcome("ok")
            .policyVersion(versionEvent ? event.digest : null)
            .detail("policy_event_id", Long.toString(event.id))
            .detail("occurred_at", event.occurredAt.toString())
            .detail("details_sha256", detailsDigest(event));
    if (event.policySet != null) {
      entry.detail("policy_set", clean(event.policySet));
    }
    if (versionEvent) {
      entry.detail("version", Integer.toString(event.version));
    } else if (event.digest != null) {
      entry.detail("draft_digest", event.digest);
    }
    int room = AuditEntry.MAX_DETAILS - FIXED_DETAILS;
    Iterator<Map.Entry<String, JsonNode>> fields = event.detailsTree().properties().iterator();
    while (fields.hasNext() && room-- > 0) {
      Map.Entry<String, JsonNode> field = fields.next();
      String value =
          field.getValue().isTextual() ? field.getValue().textValue() : field.getValue().toString();
      entry.detail(clean("details." + field.getKey()), clean(value));
    }
    return entry.build();
  }

  private static String detailsDigest(PolicyAdminEvent event) {
    return Sha256.hex(event.details.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Makes a free-text value fit an audit field: control characters and unpaired surrogates (which
   * no canonical JSON can carry) become U+FFFD, an empty value is shown as {@code ""}, and a value
   * longer than a field is cut at a code-point boundary and marked with {@code ...}.
   */
  static String clean(String value) {
    if (value.isEmpty()) {
      return "\"\"";
    }
    StringBuilder cleaned = new StringBuilder(value.length());
    value
        .codePoints()
        .forEach(
            cp ->
                cleaned.appendCodePoint(
                    Character.isISOControl(cp)
                            || (Character.isBmpCodePoint(cp) && Character.isSurrogate((char) cp))
                        ? 0xFFFD
                        : cp));
    if (cleaned.length() <= AuditEntry.MAX_FIELD_LENGTH) {
      return cleaned.toString();
    }
    int cut = AuditEntry.MAX_FIELD_LENGTH - 3;
    if (Character.isLowSurrogate(cleaned.charAt(cut))) {
      cut--;
    }
    return cleaned.substring(0, cut) + "...";
  }
}
