package io.hsip.policygateway.audit;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A committed audit entry as stored ({@code audit_entry}); read-only for the application. */
@Entity
@Table(name = "audit_entry")
class StoredEntry extends PanacheEntityBase {

  /**
   * Search filters; null means "any".
   *
   * @param from recorded at or after
   * @param to recorded before
   * @param kind wire name of the kind
   * @param subject pseudonym of the subject
   * @param outcome outcome (effect)
   * @param policyVersion policy version digest
   * @param actor who acted
   */
  record Filter(
      @Nullable Instant from,
      @Nullable Instant to,
      @Nullable String kind,
      @Nullable String subject,
      @Nullable String outcome,
      @Nullable String reason,
      @Nullable String policyVersion,
      @Nullable String actor) {}

  @Id
  @Column(name = "seq")
  public Long seq;

  @Column(name = "recorded_at", nullable = false, updatable = false)
  public Instant recordedAt;

  @Column(name = "kind", nullable = false, updatable = false)
  public String kind;

  @Column(name = "actor", nullable = false, updatable = false)
  public String actor;

  @Column(name = "subject", updatable = false)
  public @Nullable String subject;

  @Column(name = "outcome", updatable = false)
  public @Nullable String outcome;

  @Column(name = "policy_version", updatable = false)
  public @Nullable String policyVersion;

  @Column(name = "trace_id", updatable = false)
  public @Nullable String traceId;

  /** The canonical JSON exactly as hashed. */
  @Column(name = "body", nullable = false, updatable = false)
  public byte[] body;

  @Column(name = "leaf_index", insertable = false, updatable = false)
  public @Nullable Long leafIndex;

  /** The entry with this sequence number. */
  public static Optional<StoredEntry> findBySeq(long seq) {
    return findByIdOptional(seq);
  }

  /**
   * Up to {@code limit} entries matching {@code filter} with {@code seq < before}, newest first
   * (keyset pagination: pass the last seq of a page as the next {@code before}).
   */
  public static List<StoredEntry> listAllWhere(Filter filter, @Nullable Long before, int limit) {
    StringBuilder query = new StringBuilder("1 = 1");
    Map<String, Object> params = new HashMap<>();
    add(query, params, "recordedAt >= :from", "from", filter.from());
    add(query, params, "recordedAt < :to", "to", filter.to());
    add(query, params, "kind = :kind", "kind", filter.kind());
    add(query, params, "subject = :subject", "subject", filter.subject());
    add(query, params, "outcome = :outcome", "outcome", filter.outcome());
    if (EntryQuery.ALLOWED.equals(filter.reason())) {
      // Every allow has this reason: the effect says it, without reading bodies.
      query.append(" and kind = 'decision' and outcome = 'allow'");
    } else if (filter.reason() != null) {
      // Literal constants, so the planner matches the partial index of denies by reason (V31).
      query.append(" and kind = 'decision' and outcome = 'deny'");
      add(
          query,
          params,
          "function('audit_decision_reason', body) = :reason",
          "reason",
          filter.reason());
    }
    add(query, params, "policyVersion = :policyVersion", "policyVersion", filter.policyVersion());
    add(query, params, "actor = :actor", "actor", filter.actor());
    add(query, params, "seq < :before", "before", before);
    return find(query.toString(), Sort.descending("seq"), params).range(0, limit - 1).list();
  }

  private static void add(
      StringBuilder query,
      Map<String, Object> params,
      String clause,
      String name,
      @Nullable Object value) {
    if (value != null) {
      query.append(" and ").append(clause);
      params.put(name, value);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StoredEntry that && seq != null && seq.equals(that.seq);
  }

  @Override
  public int hashCode() {
    return seq == null ? 0 : seq.hashCode();
  }
}
