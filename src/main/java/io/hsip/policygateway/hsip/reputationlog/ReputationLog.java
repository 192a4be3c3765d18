package io.hsip.policygateway.hsip.reputationlog;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.crypto.Digests;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.InvalidSignatureException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A parsed reference reputation log: events in file order, each with the exact line it came from.
 *
 * <p>{@link #verify} checks what the reference's score never does
 * (docs/protocol.md#unverified-reputation): the hash chain, every signature (strictly, with a key
 * per actor, so logs with several actors verify), and that each stored weight is the one the table
 * gives. Only the {@link VerifiedReputationLog} it returns has a score, so an unverified log cannot
 * be scored.
 */
public final class ReputationLog {

  /** Largest log we read in one piece. */
  public static final int MAX_LINES = 1_000_000;

  /** Longest line accepted. */
  public static final int MAX_LINE_CHARS = 16_384;

  /**
   * One line.
   *
   * @param number 1-based line number among non-empty lines
   * @param text the line with trailing whitespace removed
   * @param event its parsed event
   */
  public record Line(int number, String text, ReputationEvent event) {}

  private final List<Line> lines;

  private ReputationLog(List<Line> lines) {
    this.lines = List.copyOf(lines);
  }

  /** Parses a whole log file. Empty lines are skipped, as the reference does. */
  public static ReputationLog parse(String content) throws ReputationLogException {
    List<Line> lines = new ArrayList<>();
    int number = 0;
    for (String raw : content.split("\n", -1)) {
      String text = raw.stripTrailing();
      if (text.isEmpty()) {
        continue;
      }
      number++;
      if (number > MAX_LINES) {
        throw new ReputationLogException("log has more than " + MAX_LINES + " lines");
      }
      if (text.length() > MAX_LINE_CHARS) {
        throw new ReputationLogException(
            "line " + number + ": longer than " + MAX_LINE_CHARS + " characters");
      }
      try {
        lines.add(new Line(number, text, ReputationEvent.parse(text)));
      } catch (ReputationLogException e) {
        throw new ReputationLogException("line " + number + ": " + e.getMessage());
      }
    }
    return new ReputationLog(lines);
  }

  /** The lines in file order. */
  public List<Line> lines() {
    return lines;
  }

  /**
   * Verifies chain, signatures and weights.
   *
   * @param actorKeys the trusted key of every actor allowed to write this log, by PeerID
   * @return the log, now one that may be scored
   */
  public VerifiedReputationLog verify(Map<String, Ed25519PublicKey> actorKeys)
      throws ReputationLogException {
    String expectedPrev = ReputationEvent.GENESIS_HASH;
    for (Line line : lines) {
      ReputationEvent event = line.event();
      if (!event.prevHash().equals(expectedPrev)) {
        throw new ReputationLogException(
            "line " + line.number() + ": prev_hash does not match the previous line");
      }
      Ed25519PublicKey key = actorKeys.get(event.actorPeerId());
      if (key == null) {
        throw new ReputationLogException(
            "line " + line.number() + ": actor " + event.actorPeerId() + " is not a trusted actor");
      }
      byte[] sig = LowerHex.decode(event.sig(), 64);
      try {
        if (sig == null) {
          throw new InvalidSignatureException("signature must be 128 lowercase hex characters");
        }
        key.verify(event.signedBytes(), sig);
      } catch (InvalidSignatureException e) {
        throw new ReputationLogException("line " + line.number() + ": " + e.getMessage());
      }
      int expectedWeight = event.decisionType().weight(event.severity());
      if (event.weight() != expectedWeight) {
        throw new ReputationLogException(
            "line "
                + line.number()
                + ": weight "
                + event.weight()
                + " does not match "
                + event.decisionType().wire()
                + " at severity "
                + event.severity()
                + " ("
                + expectedWeight
                + ")");
      }
      expectedPrev = hashOfLine(line.text());
    }
    return new VerifiedReputationLog(this);
  }

  /**
   * {@code prev_hash} for the line after {@code text}: hex SHA-256 of it, trailing whitespace
   * trimmed.
   */
  public static String hashOfLine(String text) {
    return LowerHex.encode(Digests.sha256(text.stripTrailing().getBytes(StandardCharsets.UTF_8)));
  }

  /** The {@code prev_hash} a line appended now must carry. */
  public String nextPrevHash() {
    return lines.isEmpty()
        ? ReputationEvent.GENESIS_HASH
        : hashOfLine(lines.get(lines.size() - 1).text());
  }
}
