package io.hsip.policygateway.policy.lifecycle;

import io.hsip.policygateway.base.WireNamed;
import io.hsip.policygateway.base.WireNamedColumn;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Converter;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;

/**
 * A publication waiting for a second admin (four-eyes mode). It holds a snapshot of the document,
 * so what is approved is exactly what was submitted.
 */
@Entity
@Table(name = "policy_approval")
public class PolicyApproval extends PanacheEntityBase {

  /** What is to be published. */
  public enum Kind implements WireNamed {
    /** A draft. */
    PUBLISH,
    /** An earlier version, again. */
    ROLLBACK;

    /** Lowercase spelling. */
    @Override
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The constant spelled {@code wire}, or empty. */
    public static Optional<Kind> fromWire(String wire) {
      return WireNamed.fromWire(Kind.class, wire);
    }
  }

  /** Where the request stands. */
  public enum Status implements WireNamed {
    /** Waiting for a second admin. */
    PENDING,
    /** Published. */
    APPROVED,
    /** Refused. */
    REJECTED;

    /** Lowercase spelling. */
    @Override
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The constant spelled {@code wire}, or empty. */
    public static Optional<Status> fromWire(String wire) {
      return WireNamed.fromWire(Status.class, wire);
    }
  }

  @Id public UUID id;

  @Column(name = "policy_set", nullable = false, updatable = false)
  public String policySet;

  @Column(nullable = false, updatable = false)
  @Convert(converter = KindColumn.class)
  public Kind kind;

  @Column(nullable = false)
  @Convert(converter = StatusColumn.class)
  public Status status;

  /** The document to publish. */
  @Column(nullable = false, updatable = false)
  public String source;

  @Column(nullable = false, updatable = false)
  @JdbcTypeCode(SqlTypes.CHAR)
  public String digest;

  /** For a rollback, the version to publish again. */
  @Column(name = "rollback_of", updatable = false)
  public @Nullable Integer rollbackOf;

  /**
   * The version in force when it was requested; approving fails if another has been published
   * since.
   */
  @Column(name = "base_version", updatable = false)
  public @Nullable Integer baseVersion;

  /** The requester's display name. */
  @Column(name = "requested_by", nullable = false, updatable = false)
  public String requestedBy;

  /**
   * The requester's subject ({@link Actor#subject()}); null for a request made before subjects were
   * recorded.
   */
  @Column(name = "requested_by_subject", updatable = false)
  public @Nullable String requestedBySubject;

  /**
   * Who wrote what is to be published (the draft's editors, and the requester); none may approve
   * it.
   */
  @Column(nullable = false, updatable = false)
  @JdbcTypeCode(SqlTypes.ARRAY)
  public String[] authors;

  /**
   * The subjects of {@link #authors}; four-eyes compares these. Null when the draft was saved
   * before subjects were recorded: then {@link #authors} (names) are compared instead.
   */
  @Column(name = "author_subjects", updatable = false)
  @JdbcTypeCode(SqlTypes.ARRAY)
  public String @Nullable [] authorSubjects;

  @Column(name = "requested_at", nullable = false, updatable = false)
  public Instant requestedAt;

  @Column(name = "decided_by")
  public @Nullable String decidedBy;

  /** The subject of who decided. */
  @Column(name = "decided_by_subject")
  public @Nullable String decidedBySubject;

  @Column(name = "decided_at")
  public @Nullable Instant decidedAt;

  /** Why it was rejected, if it was. */
  @Column public @Nullable String reason;

  /** The version the approval published. */
  @Column public @Nullable Integer version;

  /** Whether {@code actor} requested it: by subject, or by name for a request without one. */
  boolean requestedBy(Actor actor) {
    return requestedBySubject == null
        ? requestedBy.equals(actor.name())
        : requestedBySubject.equals(actor.subject());
  }

  /** Whether {@code actor} wrote what it publishes: by subject, or by name for an older draft. */
  boolean writtenBy(Actor actor) {
    return authorSubjects == null
        ? List.of(authors).contains(actor.name())
        : List.of(authorSubjects).contains(actor.subject());
  }

  /**
   * Up to {@code limit} requests with this status, oldest first (ties by id), starting after the
   * request made at {@code requestedAt} with id {@code id} (keyset pagination; from the start when
   * {@code requestedAt} is null).
   */
  public static List<PolicyApproval> withStatusAfter(
      Status status, @Nullable Instant requestedAt, @Nullable UUID id, int limit) {
    if (requestedAt == null || id == null) {
      return find("status = ?1 order by requestedAt, id", status).range(0, limit - 1).list();
    }
    return find(
            "status = ?1 and (requestedAt > ?2 or (requestedAt = ?2 and id > ?3))"
                + " order by requestedAt, id",
            status,
            requestedAt,
            id)
        .range(0, limit - 1)
        .list();
  }

  /** How many requests for a set wait. */
  public static long pendingFor(String policySet) {
    return count("policySet = ?1 and status = ?2", policySet, Status.PENDING);
  }

  /** Stores {@link Kind} as its wire spelling, as the table's check constraint spells it. */
  @Converter
  public static final class KindColumn extends WireNamedColumn<Kind> {
    public KindColumn() {
      super(Kind.class);
    }
  }

  /** Stores {@link Status} as its wire spelling, as the table's check constraint spells it. */
  @Converter
  public static final class StatusColumn extends WireNamedColumn<Status> {
    public StatusColumn() {
      super(Status.class);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PolicyApproval that && id != null && id.equals(that.id);
  }

  @Override
  public int hashCode() {
    return id == null ? 0 : id.hashCode();
  }
}
