package io.hsip.policygateway.policy.lifecycle;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;

/**
 * A published policy version: immutable (Hibernate never writes it back, and a database trigger
 * refuses UPDATE, DELETE and TRUNCATE). The latest version of a set is the one in force.
 */
@Entity
@Immutable
@Table(name = "policy_version")
public class PolicyVersion extends PanacheEntityBase {

  /**
   * The identity of a version.
   *
   * @param policySet the set
   * @param version 1, 2, 3, … within the set
   */
  @Embeddable
  public record Key(
      @Column(name = "policy_set") String policySet, @Column(name = "version") int version)
      implements Serializable {}

  @EmbeddedId public Key id;

  /** SHA-256 (hex) of {@link #canonical}. */
  @Column(nullable = false)
  @JdbcTypeCode(SqlTypes.CHAR)
  public String digest;

  /** The document as published, comments and all (what export returns). */
  @Column(nullable = false)
  public String source;

  /** The canonical JSON the digest is taken over (what replicas load). */
  @Column(nullable = false)
  public String canonical;

  @Column(name = "rule_count", nullable = false)
  public int ruleCount;

  @Column(name = "published_by", nullable = false)
  public String publishedBy;

  /** The publisher's subject; null for versions published before subjects were recorded. */
  @Column(name = "published_by_subject")
  public @Nullable String publishedBySubject;

  @Column(name = "published_at", nullable = false)
  public Instant publishedAt;

  /** The second admin in four-eyes mode, or null. */
  @Column(name = "approved_by")
  public @Nullable String approvedBy;

  /** The approver's subject, or null. */
  @Column(name = "approved_by_subject")
  public @Nullable String approvedBySubject;

  /** The version this one re-publishes, for a rollback, or null. */
  @Column(name = "rolled_back_from")
  public @Nullable Integer rolledBackFrom;

  /** The set name. */
  public String policySet() {
    return id.policySet();
  }

  /** The version number. */
  public int version() {
    return id.version();
  }

  /** One version. */
  public static Optional<PolicyVersion> find(String policySet, int version) {
    return findByIdOptional(new Key(policySet, version));
  }

  /** The version in force: the latest. */
  public static Optional<PolicyVersion> latest(String policySet) {
    return find("id.policySet = ?1 order by id.version desc", policySet).firstResultOptional();
  }

  /**
   * Up to {@code limit} versions of a set older than {@code before} (any if null), newest first
   * (keyset pagination on the version number).
   */
  public static List<PolicyVersion> historyBefore(
      String policySet, @Nullable Integer before, int limit) {
    if (before == null) {
      return find("id.policySet = ?1 order by id.version desc", policySet)
          .range(0, limit - 1)
          .list();
    }
    return find("id.policySet = ?1 and id.version < ?2 order by id.version desc", policySet, before)
        .range(0, limit - 1)
        .list();
  }

  /** The latest version of every set. */
  public static List<PolicyVersion> latestOfEachSet() {
    return list(
        "from PolicyVersion v where v.id.version = "
            + "(select max(w.id.version) from PolicyVersion w where w.id.policySet = v.id.policySet) "
            + "order by v.id.policySet");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PolicyVersion that && id != null && id.equals(that.id);
  }

  @Override
  public int hashCode() {
    return id == null ? 0 : id.hashCode();
  }
}
