package io.hsip.policygateway.policy.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The facts a decision was made on, as its audit entry records them, so that the decision can be
 * replayed against another policy version (impact analysis). The PeerIDs are not here: the
 * requester is the entry's subject and the target member a PeerID detail, both stored as keyed
 * pseudonyms by the audit log.
 *
 * <p>Details written for a decision whose policy was evaluated: {@value #REQUESTER_KIND}, {@value
 * #REQUESTER_GROUPS} (sorted, comma-separated; absent when none), {@value #REPUTATION}, {@value
 * #TARGET_GROUPS} (likewise), {@value #TARGET_SERVICE} (when a service was addressed), {@value
 * #REQUESTED_TTL_MS} and {@value #DECIDED_AT_MS}. {@value #REQUESTED_TTL_MS} is present exactly
 * when the facts are; the purpose is the {@value #PURPOSE} detail every decision entry has.
 */
public final class RecordedFacts {

  /** Requester kind, {@code member} or {@code external}. */
  public static final String REQUESTER_KIND = "requester_kind";

  /** The requester's groups. */
  public static final String REQUESTER_GROUPS = "requester_groups";

  /** The requester's reputation score. */
  public static final String REPUTATION = "requester_reputation";

  /** The target member's PeerID (a PeerID detail, stored as its pseudonym). */
  public static final String TARGET_MEMBER = "target_member";

  /** The target's groups. */
  public static final String TARGET_GROUPS = "target_groups";

  /** The service addressed. */
  public static final String TARGET_SERVICE = "target_service";

  /** The TTL the requester asked for, in ms; the marker that the facts are recorded. */
  public static final String REQUESTED_TTL_MS = "requested_ttl_ms";

  /** When the decision was made, Unix ms (the policy's time windows are evaluated at it). */
  public static final String DECIDED_AT_MS = "decided_at_ms";

  /** The request's purpose. */
  public static final String PURPOSE = "purpose";

  /** The decision's reason code (the gateway's {@code DecisionReason}). */
  public static final String REASON = "reason";

  /** The granted TTL in ms, 0 for a deny. */
  public static final String GRANTED_TTL_MS = "ttl_ms";

  /** The reason code of a decision the live policy allowed. */
  public static final String ALLOWED = "allowed";

  /** The reason codes of denies the policy alone decided: by its rules, or for want of a policy. */
  public static final Set<String> POLICY_DENIES = Set.of("policy_deny", "no_policy");

  private static final String SEPARATOR = ",";

  private RecordedFacts() {}

  /**
   * The details recording {@code request}'s facts, apart from its PeerIDs and purpose; empty when a
   * list of groups would be longer than {@code maxValueLength} (the decision is then not
   * replayable, and says so by the missing {@value #REQUESTED_TTL_MS}).
   */
  public static Map<String, String> details(PolicyRequest request, int maxValueLength) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put(REQUESTER_KIND, request.requester().kind().wire());
    details.put(REPUTATION, Integer.toString(request.requester().reputation()));
    details.put(REQUESTED_TTL_MS, Long.toString(request.requestedTtlMs()));
    details.put(DECIDED_AT_MS, Long.toString(request.atMs()));
    if (request.target().service() != null) {
      details.put(TARGET_SERVICE, request.target().service());
    }
    if (!putList(details, REQUESTER_GROUPS, request.requester().groups(), maxValueLength)
        || !putList(details, TARGET_GROUPS, request.target().groups(), maxValueLength)) {
      return Map.of();
    }
    return details;
  }

  private static boolean putList(
      Map<String, String> details, String name, Set<String> values, int maxLength) {
    if (values.isEmpty()) {
      return true;
    }
    String joined = String.join(SEPARATOR, new TreeSet<>(values));
    if (joined.length() > maxLength) {
      return false;
    }
    details.put(name, joined);
    return true;
  }

  /**
   * The request a recorded decision was made on, or empty when the entry does not record its facts
   * (written before they were recorded, or too long to record) or records them malformed.
   *
   * @param details the entry's details
   * @param requester the requester's PeerID (or a stand-in when only its pseudonym is known)
   * @param targetMember the target member's PeerID (or a stand-in), null when none was recorded
   */
  public static Optional<PolicyRequest> read(
      Map<String, String> details, String requester, @Nullable String targetMember) {
    try {
      String ttl = details.get(REQUESTED_TTL_MS);
      String at = details.get(DECIDED_AT_MS);
      String purpose = details.get(PURPOSE);
      String reputation = details.get(REPUTATION);
      Optional<RequesterKind> kind =
          Optional.ofNullable(details.get(REQUESTER_KIND)).flatMap(RequesterKind::fromWire);
      if (ttl == null || at == null || purpose == null || reputation == null || kind.isEmpty()) {
        return Optional.empty();
      }
      String service = details.get(TARGET_SERVICE);
      PolicyRequest.Target target =
          service != null
              ? new PolicyRequest.Target(null, Set.of(), service)
              : new PolicyRequest.Target(targetMember, list(details.get(TARGET_GROUPS)), null);
      return Optional.of(
          new PolicyRequest(
              new PolicyRequest.Requester(
                  requester,
                  kind.get(),
                  list(details.get(REQUESTER_GROUPS)),
                  Integer.parseInt(reputation)),
              target,
              purpose,
              Long.parseLong(ttl),
              Long.parseLong(at)));
    } catch (IllegalArgumentException malformed) {
      // A number that does not parse, or a TTL that is not positive.
      return Optional.empty();
    }
  }

  private static Set<String> list(@Nullable String joined) {
    return joined == null ? Set.of() : Set.copyOf(Arrays.asList(joined.split(SEPARATOR, -1)));
  }
}
