package io.hsip.policygateway.audit;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.audit.internal.AuditStorageException;
import io.hsip.policygateway.audit.internal.SubjectKekException;
import io.hsip.policygateway.audit.internal.SubjectKeys;
import io.hsip.policygateway.hsip.transparency.SubjectKey;
import io.hsip.policygateway.telemetry.AuditSpans;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Erasure of a subject from the audit log: its pseudonymisation key is destroyed, itself an audited
 * admin change that names the pseudonym it ended (never the PeerID).
 */
@ApplicationScoped
public class SubjectErasure {

  /** The erasure entry's action. */
  public static final String ACTION = "audit.subject.erase";

  /** The erasure entry's detail naming the pseudonym that became unlinkable. */
  public static final String ENDED_PSEUDONYM = "ended_pseudonym";

  /** Attempts when the subject's key changes between naming and destroying it (a race). */
  private static final int ATTEMPTS = 3;

  private final AgroalDataSource dataSource;
  private final AuditLog log;
  private final SubjectKeyEncryption encryption;

  SubjectErasure(AgroalDataSource dataSource, AuditLog log, SubjectKeyEncryption encryption) {
    this.dataSource = dataSource;
    this.log = log;
    this.encryption = encryption;
  }

  /**
   * Destroys the pseudonymisation key of {@code peerId}: its entries stay in the log and verify,
   * but the live database can no longer link them to the PeerID, not even for whoever holds the
   * key-encryption key. Copies of the wrapped key in WAL archives and backups from before the
   * erasure still open with that KEK until they expire (compliance/audit-verification.md). The
   * erasure is audited first (fail closed: no audit record, no erasure), and the entry names the
   * pseudonym being ended, so an auditor sees which pseudonym became unlinkable.
   *
   * @return whether the subject had a key
   */
  @WithSpan(AuditSpans.ERASE_SUBJECT)
  public boolean erase(String peerId, String actor) {
    encryption.requireAvailable();
    SubjectKeys keys = encryption.subjectKeys();
    try (Connection connection = dataSource.getConnection()) {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        Optional<SubjectKey> key = keys.find(connection, peerId);
        if (key.isEmpty()) {
          log.append(AuditEntry.adminChange(actor, ACTION).outcome("no-key").build());
          return false;
        }
        String pseudonym = key.get().pseudonym(peerId);
        log.append(
            AuditEntry.adminChange(actor, ACTION)
                .outcome("requested")
                .detail(ENDED_PSEUDONYM, pseudonym)
                .build());
        if (keys.destroy(connection, peerId, key.get())) {
          return true;
        }
        // The key changed after it was named (erased or re-created concurrently): name it again.
      }
      throw new AuditStorageException("the subject's key kept changing during its erasure");
    } catch (SubjectKekException e) {
      Log.errorf("An erasure failed closed: %s", e.getMessage());
      throw SubjectKeyEncryption.unavailable();
    } catch (SQLException e) {
      throw new AuditStorageException("cannot erase the subject's key", e);
    }
  }
}
