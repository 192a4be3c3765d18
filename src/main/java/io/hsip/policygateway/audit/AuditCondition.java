package io.hsip.policygateway.audit;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A change that must commit together with an audit entry, or not at all: the replay ledger's record
 * of a nonce, a rate-limit window's count. {@link AuditLog#append(AuditEntry, java.util.List)} runs
 * every condition of an entry in the same transaction as the entry's INSERT; if any condition does
 * not hold, neither the entry nor any condition's change is committed and the append fails with
 * {@link AuditConditionFailedException}. So the log and the state the conditions guard never
 * disagree: a decision is either fully recorded or not at all.
 *
 * <p>A condition is one SQL statement that changes exactly one row when it holds and none when it
 * does not (typically {@code INSERT ... ON CONFLICT ... DO UPDATE ... WHERE}). It must not fail for
 * data reasons: an error fails the whole batch it shares with other entries.
 */
public interface AuditCondition {

  /**
   * The order in which the conditions of one batch run: every writer of every replica takes the row
   * locks of the conditions in this order, so concurrent batches cannot deadlock. Conditions of one
   * kind should share a prefix so that a batch prepares each statement once.
   */
  String lockKey();

  /** The statement; the same text for every condition of a kind (it is prepared once per batch). */
  String sql();

  /** Binds this condition's parameters. */
  void bind(PreparedStatement statement) throws SQLException;

  /**
   * The reason code an entry is refused with when this condition does not hold, e.g. {@code
   * replayed}.
   */
  String refusal();
}
