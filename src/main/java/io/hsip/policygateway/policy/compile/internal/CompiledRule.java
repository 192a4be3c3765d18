package io.hsip.policygateway.policy.compile.internal;

import io.hsip.policygateway.policy.model.Effect;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.RequesterKind;
import io.hsip.policygateway.policy.model.Rule;
import io.hsip.policygateway.policy.model.Weekday;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** A rule ready to match: its conditions in the cheapest form to test, the CEL condition last. */
public final class CompiledRule {

  private final Rule rule;
  private final int index;
  private final boolean deny;
  private final long ttlCapMs;
  private final Set<String> peerIds;
  private final @Nullable RequesterKind kind;
  private final String[] groupsAny;
  private final String[] groupsAll;
  private final int minReputation;
  private final int maxReputation;
  private final Set<String> targetMembers;
  private final String[] targetGroupsAny;
  private final Set<String> services;
  private final Set<String> purposeExact;
  private final String[] purposePrefixes;
  private final boolean anyPurpose;
  private final long ttlAtLeastMs;
  private final long ttlAtMostMs;
  private final boolean timed;
  private final int dayMask;
  private final int fromMinute;
  private final int untilMinute;
  private final CelConditions.@Nullable Condition condition;

  /**
   * Compiles {@code rule}, the {@code index}-th of its document, with its compiled CEL condition if
   * any.
   */
  public CompiledRule(Rule rule, int index, CelConditions.@Nullable Condition condition) {
    this.rule = rule;
    this.index = index;
    this.deny = rule.effect() == Effect.DENY;
    this.ttlCapMs = rule.ttlCap() == null ? Long.MAX_VALUE : rule.ttlCap().toMillis();
    Rule.RequesterMatch r = rule.requester();
    this.peerIds = r.peerIds();
    this.kind = r.kind();
    this.groupsAny = r.groupsAny().toArray(String[]::new);
    this.groupsAll = r.groupsAll().toArray(String[]::new);
    this.minReputation = r.minReputation() == null ? Integer.MIN_VALUE : r.minReputation();
    this.maxReputation = r.maxReputation() == null ? Integer.MAX_VALUE : r.maxReputation();
    this.targetMembers = rule.target().members();
    this.targetGroupsAny = rule.target().groupsAny().toArray(String[]::new);
    this.services = rule.target().services();
    this.purposeExact = rule.purpose().exact();
    this.purposePrefixes = rule.purpose().prefixes().toArray(String[]::new);
    this.anyPurpose = rule.purpose().isAny();
    this.ttlAtLeastMs =
        rule.requestedTtl().atLeast() == null ? 0 : rule.requestedTtl().atLeast().toMillis();
    this.ttlAtMostMs =
        rule.requestedTtl().atMost() == null
            ? Long.MAX_VALUE
            : rule.requestedTtl().atMost().toMillis();
    Rule.TimeWindow time = rule.time();
    this.timed = time != null;
    int mask = 0;
    if (time != null) {
      for (Weekday day : time.days()) {
        mask |= 1 << (day.day().getValue() - 1);
      }
    }
    this.dayMask = mask == 0 ? 0x7f : mask;
    this.fromMinute =
        time == null || time.from() == null
            ? 0
            : time.from().getHour() * 60 + time.from().getMinute();
    this.untilMinute =
        time == null || time.until() == null
            ? 24 * 60
            : time.until().getHour() * 60 + time.until().getMinute();
    this.condition = condition;
  }

  /** The rule as written. */
  public Rule rule() {
    return rule;
  }

  /** Position in the document. */
  public int index() {
    return index;
  }

  /** Whether this rule denies. */
  public boolean deny() {
    return deny;
  }

  /** The TTL cap in ms, {@link Long#MAX_VALUE} when none. */
  public long ttlCapMs() {
    return ttlCapMs;
  }

  /**
   * Whether every condition holds for the request.
   *
   * @throws CelConditions.ConditionFailedException when the CEL condition cannot be evaluated
   */
  public boolean matches(RequestFacts facts) throws CelConditions.ConditionFailedException {
    PolicyRequest request = facts.request();
    PolicyRequest.Requester requester = request.requester();
    if (kind != null && requester.kind() != kind) {
      return false;
    }
    if (!peerIds.isEmpty() && !peerIds.contains(requester.peerId())) {
      return false;
    }
    int reputation = requester.reputation();
    if (reputation < minReputation || reputation > maxReputation) {
      return false;
    }
    long ttl = request.requestedTtlMs();
    if (ttl < ttlAtLeastMs || ttl > ttlAtMostMs) {
      return false;
    }
    if (!anyPurpose && !purposeMatches(request.purpose())) {
      return false;
    }
    PolicyRequest.Target target = request.target();
    if (!services.isEmpty() && (target.service() == null || !services.contains(target.service()))) {
      return false;
    }
    if (!targetMembers.isEmpty()
        && (target.member() == null || !targetMembers.contains(target.member()))) {
      return false;
    }
    if (groupsAny.length > 0 && !anyIn(groupsAny, requester.groups())) {
      return false;
    }
    for (String group : groupsAll) {
      if (!requester.groups().contains(group)) {
        return false;
      }
    }
    if (targetGroupsAny.length > 0 && !anyIn(targetGroupsAny, target.groups())) {
      return false;
    }
    if (timed && !inWindow(facts)) {
      return false;
    }
    return condition == null || condition.test(facts);
  }

  private boolean purposeMatches(String purpose) {
    if (purposeExact.contains(purpose)) {
      return true;
    }
    for (String prefix : purposePrefixes) {
      if (purpose.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private boolean inWindow(RequestFacts facts) {
    int day = facts.weekday();
    int minute = facts.minuteOfDay();
    if (fromMinute < untilMinute) {
      return dayListed(day) && minute >= fromMinute && minute < untilMinute;
    }
    // Wraps past midnight (e.g. 22:00-06:00): the early hours belong to the window that opened the
    // evening before, so Saturday 05:00 is in Friday's window and Monday 05:00 in Sunday's.
    if (minute >= fromMinute) {
      return dayListed(day);
    }
    return minute < untilMinute && dayListed((day + 6) % 7);
  }

  private boolean dayListed(int weekday) {
    return (dayMask & (1 << weekday)) != 0;
  }

  private static boolean anyIn(String[] wanted, Set<String> have) {
    for (String group : wanted) {
      if (have.contains(group)) {
        return true;
      }
    }
    return false;
  }
}
