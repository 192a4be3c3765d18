package io.hsip.policygateway.policy.lifecycle;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;

/** A policy document being edited. Always valid: a draft that does not compile is never saved. */
@Entity
@Table(name = "policy_draft")
public class PolicyDraft extends PanacheEntityBase {

  @Id public UUID id;

  /** The policy set the document names. */
  @Column(name = "policy_set", nullable = false, updatable = false)
  public String policySet;

  /** The document as uploaded, comments and all. */
  @Column(nullable = false)
  public String source;

  /** SHA-256 of the canonical form. */
  @Column(nullable = false)
  @JdbcTypeCode(SqlTypes.CHAR)
  public String digest;

  /** Incremented by every update; clients send it back in {@code If-Match}. */
  @Column(nullable = false)
  public int revision;

  @Column(name = "created_by", nullable = false, updatable = false)
  public String createdBy;

  @Column(name = "created_at", nullable = false, updatable = false)
  public Instant createdAt;

  @Column(name = "updated_by", nullable = false)
  public String updatedBy;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  /**
   * Everyone who created or updated the document, in order of their first edit; none may approve
   * it.
   */
  @Column(nullable = false)
  @JdbcTypeCode(SqlTypes.ARRAY)
  public String[] editors;

  /**
   * The subjects ({@link Actor#subject()}) of everyone who created or updated the document, in
   * order of their first edit; four-eyes compares these. Null for a draft saved before subjects
   * were recorded, whose approval falls back to {@link #editors}.
   */
  @Column(name = "editor_subjects")
  @JdbcTypeCode(SqlTypes.ARRAY)
  public String @Nullable [] editorSubjects;

  /** Records {@code actor} as an editor, once (by name for people, by subject for four-eyes). */
  void editedBy(Actor actor) {
    editors = once(editors, actor.name());
    if (editorSubjects != null) {
      editorSubjects = once(editorSubjects, actor.subject());
    }
  }

  private static String[] once(String[] values, String value) {
    if (List.of(values).contains(value)) {
      return values;
    }
    String[] more = java.util.Arrays.copyOf(values, values.length + 1);
    more[values.length] = value;
    return more;
  }

  /**
   * Up to {@code limit} drafts, the most recently edited first (ties by id), starting after the
   * draft that was edited at {@code updatedAt} and has id {@code id} (keyset pagination; from the
   * start when {@code updatedAt} is null).
   */
  public static List<PolicyDraft> newestFirstAfter(
      @Nullable Instant updatedAt, @Nullable UUID id, int limit) {
    if (updatedAt == null || id == null) {
      return find("order by updatedAt desc, id").range(0, limit - 1).list();
    }
    return find(
            "updatedAt < ?1 or (updatedAt = ?1 and id > ?2) order by updatedAt desc, id",
            updatedAt,
            id)
        .range(0, limit - 1)
        .list();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PolicyDraft that && id != null && id.equals(that.id);
  }

  @Override
  public int hashCode() {
    return id == null ? 0 : id.hashCode();
  }
}
