package io.hsip.policygateway.policy.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hsip.policygateway.base.WireNamed;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;

/**
 * An admin action on policies, recorded in the same transaction as the change (append-only; a
 * trigger refuses UPDATE, DELETE and TRUNCATE).
 *
 * <p>Read API for the audit log: {@link #after(long, int)} pages through events in id order. Ids
 * are assigned in commit order (admin writes hold a transaction-scoped advisory lock), so a
 * consumer that remembers the last id it folded in never misses or repeats an event.
 */
@Entity
@Table(name = "policy_admin_event")
public class PolicyAdminEvent extends PanacheEntityBase {

  private static final ObjectMapper JSON = ObjectMappers.standard();

  /** What was done; the database spelling is {@link #wire()}. */
  public enum Action implements WireNamed {
    DRAFT_CREATE("draft.create"),
    DRAFT_UPDATE("draft.update"),
    DRAFT_DELETE("draft.delete"),
    IMPORT("import"),
    PUBLISH("publish"),
    PUBLISH_REQUEST("publish.request"),
    APPROVE("approve"),
    REJECT("reject"),
    ROLLBACK("rollback"),
    ROLLBACK_REQUEST("rollback.request"),
    SHADOW_START("shadow.start"),
    SHADOW_PROMOTE("shadow.promote"),
    SHADOW_DISCARD("shadow.discard");

    private final String wire;

    Action(String wire) {
      this.wire = wire;
    }

    /** The stored and published spelling, e.g. {@code draft.create}. */
    @Override
    public String wire() {
      return wire;
    }

    /** The constant spelled {@code wire}, or empty. */
    public static Optional<Action> fromWire(String wire) {
      return WireNamed.fromWire(Action.class, wire);
    }
  }

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "occurred_at", nullable = false, updatable = false)
  public Instant occurredAt;

  /** The SSO principal (preferred username) who acted. */
  @Column(nullable = false, updatable = false)
  public String actor;

  /** {@link Action#wire()}. */
  @Column(nullable = false, updatable = false)
  public String action;

  @Column(name = "policy_set", updatable = false)
  public @Nullable String policySet;

  @Column(updatable = false)
  public @Nullable Integer version;

  @Column(updatable = false)
  @JdbcTypeCode(SqlTypes.CHAR)
  public @Nullable String digest;

  /**
   * Action-specific facts as a JSON object (draft id, revision, approval id, rollback source, rule
   * count, …), keys sorted. Stored as jsonb; kept as text here so the service's REST JSON settings
   * never shape audit data.
   */
  @Column(nullable = false, updatable = false, columnDefinition = "jsonb")
  @ColumnTransformer(write = "?::jsonb")
  public String details;

  /** Records an event; the caller's transaction commits it together with the change. */
  public static PolicyAdminEvent record(
      Instant at,
      String actor,
      Action action,
      @Nullable String policySet,
      @Nullable Integer version,
      @Nullable String digest,
      Map<String, Object> details) {
    PolicyAdminEvent event = new PolicyAdminEvent();
    event.occurredAt = at;
    event.actor = actor;
    event.action = action.wire();
    event.policySet = policySet;
    event.version = version;
    event.digest = digest;
    event.details = json(details);
    event.persist();
    return event;
  }

  /** The details as a JSON tree. */
  public JsonNode detailsTree() {
    try {
      return JSON.readTree(details);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("policy_admin_event " + id + " holds malformed details", e);
    }
  }

  private static String json(Map<String, Object> details) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(details));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("admin event details must be plain JSON values", e);
    }
  }

  /**
   * Up to {@code limit} events with an id above {@code afterId}, in id order (keyset pagination).
   */
  public static List<PolicyAdminEvent> after(long afterId, int limit) {
    return find("id > ?1 order by id", afterId).page(0, limit).list();
  }

  /** Up to {@code limit} events of one set with an id above {@code afterId}, in id order. */
  public static List<PolicyAdminEvent> after(String policySet, long afterId, int limit) {
    return find("policySet = ?1 and id > ?2 order by id", policySet, afterId).page(0, limit).list();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PolicyAdminEvent that && id != null && id.equals(that.id);
  }

  @Override
  public int hashCode() {
    return id == null ? 0 : id.hashCode();
  }
}
