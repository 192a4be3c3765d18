package io.hsip.policygateway.audit;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A signed checkpoint as stored ({@code audit_checkpoint}); written only by the integrator. */
@Entity
@Table(name = "audit_checkpoint")
class StoredCheckpoint extends PanacheEntityBase {

  @Id
  @Column(name = "tree_size")
  public Long treeSize;

  @Column(name = "root_hash", nullable = false, updatable = false)
  public byte[] rootHash;

  @Column(name = "signed_at", nullable = false, updatable = false)
  public Instant signedAt;

  /** The C2SP signed note exactly as signed. */
  @Column(name = "note", nullable = false, updatable = false)
  public String note;

  /** The newest checkpoint. */
  public static Optional<StoredCheckpoint> findLatest() {
    return find("order by treeSize desc").firstResultOptional();
  }

  /** The checkpoint of exactly {@code treeSize} leaves. */
  public static Optional<StoredCheckpoint> findBySize(long treeSize) {
    return findByIdOptional(treeSize);
  }

  /** The smallest checkpoint that contains leaf {@code leafIndex}. */
  public static Optional<StoredCheckpoint> findFirstContaining(long leafIndex) {
    return find("treeSize > ?1", Sort.ascending("treeSize"), leafIndex).firstResultOptional();
  }

  /**
   * Up to {@code limit} checkpoints smaller than {@code before}, newest first (keyset pagination).
   */
  public static List<StoredCheckpoint> listAllBefore(@Nullable Long before, int limit) {
    return (before == null
            ? findAll(Sort.descending("treeSize"))
            : find("treeSize < ?1", Sort.descending("treeSize"), before))
        .range(0, limit - 1)
        .list();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StoredCheckpoint that
        && treeSize != null
        && treeSize.equals(that.treeSize);
  }

  @Override
  public int hashCode() {
    return treeSize == null ? 0 : treeSize.hashCode();
  }
}
