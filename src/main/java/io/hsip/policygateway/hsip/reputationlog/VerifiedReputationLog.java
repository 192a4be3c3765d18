package io.hsip.policygateway.hsip.reputationlog;

import java.util.List;

/**
 * A reputation log whose chain, signatures and weights {@link ReputationLog#verify} has checked:
 * the only kind that can be scored, since the reference scores stored weights of unverified lines
 * (docs/protocol.md#unverified-reputation).
 */
public final class VerifiedReputationLog {

  private final ReputationLog log;

  VerifiedReputationLog(ReputationLog log) {
    this.log = log;
  }

  /** The lines in file order. */
  public List<ReputationLog.Line> lines() {
    return log.lines();
  }

  /** The {@code prev_hash} a line appended now must carry. */
  public String nextPrevHash() {
    return log.nextPrevHash();
  }

  /** The reference's score: the sum of stored weights of events about {@code subjectPeerId}. */
  public long score(String subjectPeerId) {
    long score = 0;
    for (ReputationLog.Line line : log.lines()) {
      if (line.event().subjectPeerId().equals(subjectPeerId)) {
        score += line.event().weight();
      }
    }
    return score;
  }
}
