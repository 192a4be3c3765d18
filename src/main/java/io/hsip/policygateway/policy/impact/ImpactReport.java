package io.hsip.policygateway.policy.impact;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a draft would have changed in the decisions recorded over a window.
 *
 * @param policySet the draft's policy set
 * @param digest the draft's content digest
 * @param from start of the window (inclusive)
 * @param to end of the window (exclusive)
 * @param complete whether every decision of the window was read; false when the run stopped at its
 *     time budget
 * @param stoppedAt when not complete: the commit time of the last decision read; decisions after it
 *     were not
 * @param decisions decisions read
 * @param replayed decisions replayed against the draft ({@code unchanged + changed})
 * @param unchanged replayed decisions the draft answers the same
 * @param changed replayed decisions the draft answers differently
 * @param changes {@code changed} by change: {@code allow_to_deny}, {@code deny_to_allow}, {@code
 *     ttl_shorter}, {@code ttl_longer}
 * @param notReplayed decisions read but not replayed, by why: {@code not_decided_by_policy}, {@code
 *     no_recorded_facts}, {@code unknown_peer_in_condition}
 * @param groups the changed decisions grouped by change, recorded rules and draft rules, largest
 *     first
 * @param groupsOmitted further groups not listed
 * @param durationMs how long the replay took
 */
public record ImpactReport(
    String policySet,
    String digest,
    Instant from,
    Instant to,
    boolean complete,
    @Nullable Instant stoppedAt,
    long decisions,
    long replayed,
    long unchanged,
    long changed,
    Map<String, Long> changes,
    Map<String, Long> notReplayed,
    List<Group> groups,
    long groupsOmitted,
    long durationMs) {

  /**
   * Changed decisions that share a change and the rules on both sides.
   *
   * @param change {@code allow_to_deny}, {@code deny_to_allow}, {@code ttl_shorter} or {@code
   *     ttl_longer}
   * @param recordedRules the rules that matched when the decision was made ({@code *} for the
   *     groups counted together past the group cap)
   * @param draftRules the draft's rules that match the same request (likewise)
   * @param decisions how many
   * @param first commit time of the earliest
   * @param last commit time of the latest
   * @param samples the first few, in log order
   */
  public record Group(
      String change,
      List<String> recordedRules,
      List<String> draftRules,
      long decisions,
      Instant first,
      Instant last,
      List<Sample> samples) {}

  /**
   * One changed decision.
   *
   * @param seq its audit entry's sequence number (look it up, with its proof, in the audit API)
   * @param time its commit time
   * @param subject the requester's pseudonym, as in the entry
   * @param purpose the request's purpose
   * @param recorded what was answered
   * @param draft what the draft answers
   */
  public record Sample(
      long seq,
      Instant time,
      @Nullable String subject,
      String purpose,
      Answer recorded,
      Answer draft) {}

  /**
   * An answer.
   *
   * @param effect {@code allow} or {@code deny}
   * @param ttlMs granted TTL, 0 for a deny
   */
  public record Answer(String effect, long ttlMs) {}
}
