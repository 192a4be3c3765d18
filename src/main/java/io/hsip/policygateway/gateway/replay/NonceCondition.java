package io.hsip.policygateway.gateway.replay;

import io.hsip.policygateway.audit.AuditCondition;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The replay check as a condition of the decision's audit entry: the request's (PeerID, nonce) is
 * recorded in the shared ledger in the same transaction as the entry, so the ledger and the log
 * never disagree: a request whose decision is not in the log has not used its nonce, and a nonce
 * that is used has its decision in the log. Across replicas the primary key decides which of two
 * concurrent uses wins; the other is refused as {@value #REFUSAL}.
 *
 * <p>Retention follows the caller's clock, as {@link NonceLedger} explains.
 *
 * @param peerId the verified requester PeerID
 * @param nonceHex the request's nonce
 * @param now when the request was judged fresh (the replica clock)
 * @param retainUntil after this instant the pair may be forgotten
 */
public record NonceCondition(String peerId, String nonceHex, Instant now, Instant retainUntil)
    implements AuditCondition {

  /** The refusal code of a nonce already used: the request is a replay. */
  public static final String REFUSAL = "replayed";

  private static final String SQL =
      ConsentNonce.FIRST_USE
          .replace("?1", "?")
          .replace("?2", "?")
          .replace("?3", "?")
          .replace("?4", "?");

  @Override
  public String lockKey() {
    return "nonce|" + peerId + "|" + nonceHex;
  }

  @Override
  public String sql() {
    return SQL;
  }

  @Override
  public void bind(PreparedStatement statement) throws SQLException {
    statement.setString(1, peerId);
    statement.setString(2, nonceHex);
    statement.setTimestamp(3, Timestamp.from(retainUntil));
    statement.setTimestamp(4, Timestamp.from(now));
  }

  @Override
  public String refusal() {
    return REFUSAL;
  }
}
