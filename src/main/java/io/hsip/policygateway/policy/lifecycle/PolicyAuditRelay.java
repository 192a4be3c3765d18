package io.hsip.policygateway.policy.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.audit.AuditAppendException;
import io.hsip.policygateway.audit.AuditEntry;
import io.hsip.policygateway.audit.AuditLog;
import io.hsip.policygateway.hsip.Sha256;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Folds policy admin events into the tamper-evident audit log.
 *
 * <p>{@code policy_admin_event} is the transactional outbox of policy changes: each change commits together
 * with its event, so no change can exist without one. This relay appends the events, in commit (id) order,
 * as {@code admin-change} audit entries carrying the SSO actor and the event id, and remembers the last id
 * relayed. One replica relays at a time (a row lock on the position). An event reaches the log at least
 * once: a crash between an append and the position update relays that event again, and the duplicate
 * carries the same {@code policy_event_id}. If the log cannot take an entry, the relay stops there and
 * retries on its next run; nothing is skipped.
 */
@ApplicationScoped
public class PolicyAuditRelay {

  /** Events relayed per run; the next run continues where this one stopped. */
  static final int BATCH = 500;

  private final AuditLog auditLog;
  private final Counter relayed;
  private final Counter failures;

  PolicyAuditRelay(AuditLog auditLog, MeterRegistry registry) {
    this.auditLog = auditLog;
    this.relayed = Counter.builder("policy.audit.relayed")
        .description("Policy admin events appended to the audit log").register(registry);
    this.failures = Counter.builder("policy.audit.relay.failures")
        .description("Relay runs stopped because the audit log refused an entry (retried)").register(registry);
  }

  @Scheduled(every = "${policy.audit-relay-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduled() {
    relayPending();
  }

  /**
   * Appends the events not yet in the audit log, up to {@link #BATCH}.
   *
   * @return how many were appended; 0 also when another replica holds the relay
   */
  @Transactional
  public int relayPending() {
    @SuppressWarnings("unchecked")
    List<Number> position = PolicyAdminEvent.getEntityManager()
        .createNativeQuery("SELECT last_event_id FROM policy_audit_relay FOR UPDATE SKIP LOCKED")
        .getResultList();
    if (position.isEmpty()) {
      return 0;
    }
    long last = position.get(0).longValue();
    int appended = 0;
    for (PolicyAdminEvent event : PolicyAdminEvent.after(last, BATCH)) {
      try {
        auditLog.append(entryOf(event));
      } catch (AuditAppendException e) {
        failures.increment();
        Log.warnf("Audit log refused policy admin event %d; relaying resumes there on the next run", event.id);
        break;
      }
      last = event.id;
      appended++;
    }
    if (appended > 0) {
      PolicyAdminEvent.getEntityManager()
          .createNativeQuery("UPDATE policy_audit_relay SET last_event_id = :last, relayed_at = now()")
          .setParameter("last", last)
          .executeUpdate();
      relayed.increment(appended);
    }
    return appended;
  }

  /**
   * The audit entry of an event: actor, {@code policy.<action>}, the version digest, the event's identity
   * and its details; the SHA-256 of the full details commits the log to them even where a value is long.
   */
  static AuditEntry entryOf(PolicyAdminEvent event) {
    AuditEntry.Builder entry = AuditEntry.adminChange(event.actor, "policy." + event.action)
        .outcome("ok")
        .policyVersion(event.digest)
        .detail("policy_event_id", Long.toString(event.id))
        .detail("occurred_at", event.occurredAt.toString())
        .detail("details_sha256", Sha256.hex(event.details.getBytes(StandardCharsets.UTF_8)));
    if (event.policySet != null) {
      entry.detail("policy_set", event.policySet);
    }
    if (event.version != null) {
      entry.detail("version", Integer.toString(event.version));
    }
    int room = AuditEntry.MAX_DETAILS - 6;
    Iterator<Map.Entry<String, JsonNode>> fields = event.detailsTree().properties().iterator();
    while (fields.hasNext() && room-- > 0) {
      Map.Entry<String, JsonNode> field = fields.next();
      String value = field.getValue().isTextual() ? field.getValue().textValue() : field.getValue().toString();
      entry.detail("details." + field.getKey(), clip(value));
    }
    return entry.build();
  }

  private static String clip(String value) {
    if (value.isEmpty()) {
      return "\"\"";
    }
    return value.length() <= AuditEntry.MAX_FIELD_LENGTH
        ? value
        : value.substring(0, AuditEntry.MAX_FIELD_LENGTH - 3) + "...";
  }
}
