package io.hsip.policygateway.audit;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.audit.internal.AuditStorageException;
import io.hsip.policygateway.audit.internal.SubjectKeys;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Erasure of a subject from the audit log: its pseudonymisation key is destroyed, itself an audited
 * admin change.
 */
@ApplicationScoped
public class SubjectErasure {

  private final AgroalDataSource dataSource;
  private final AuditLog log;

  SubjectErasure(AgroalDataSource dataSource, AuditLog log) {
    this.dataSource = dataSource;
    this.log = log;
  }

  /**
   * Destroys the pseudonymisation key of {@code peerId}: its entries stay in the log and verify,
   * but can no longer be linked to the PeerID. The erasure is audited first (fail closed: no audit
   * record, no erasure).
   *
   * @return whether the subject had a key
   */
  public boolean erase(String peerId, String actor) {
    log.append(AuditEntry.adminChange(actor, "audit.subject.erase").outcome("requested").build());
    try (Connection connection = dataSource.getConnection()) {
      return SubjectKeys.destroy(connection, peerId);
    } catch (SQLException e) {
      throw new AuditStorageException("cannot erase the subject's key", e);
    }
  }
}
