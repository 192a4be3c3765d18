package io.hsip.policygateway.policy.compile;

import io.hsip.policygateway.policy.compile.internal.CelConditions;
import io.hsip.policygateway.policy.compile.internal.RequestFacts;
import io.hsip.policygateway.policy.model.Effect;
import io.hsip.policygateway.policy.model.PolicyDocument;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.Rule;
import io.hsip.policygateway.policy.model.Weekday;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The policy semantics written as plainly as possible, for differential tests of the indexed
 * evaluator: every rule is tested in document order, straight from the model, with java.time for
 * time windows. Only CEL conditions reuse the production compiler (CEL is not what is compared).
 */
final class LinearReferenceEvaluator {

  /**
   * What a decision comes to: every field the indexed evaluator must reproduce.
   *
   * @param effect allow or deny
   * @param reason wire reason
   * @param grantedTtlMs granted TTL
   * @param matched matched rule ids, document order
   * @param deciding deciding rule ids
   */
  record Outcome(
      Effect effect,
      String reason,
      long grantedTtlMs,
      List<String> matched,
      List<String> deciding) {}

  private final PolicyDocument document;
  private final List<CelConditions.Condition> conditions = new ArrayList<>();

  LinearReferenceEvaluator(PolicyDocument document) {
    this.document = document;
    CelConditions cel = new CelConditions(PolicyLimits.DEFAULTS.cel());
    for (Rule rule : document.rules()) {
      conditions.add(rule.condition() == null ? null : cel.compile(rule.condition()).condition());
    }
  }

  Outcome decide(PolicyRequest request) {
    List<String> matched = new ArrayList<>();
    List<String> denies = new ArrayList<>();
    long granted = request.requestedTtlMs();
    if (document.maxTtl() != null) {
      granted = Math.min(granted, document.maxTtl().toMillis());
    }
    List<Rule> allows = new ArrayList<>();
    for (int i = 0; i < document.rules().size(); i++) {
      Rule rule = document.rules().get(i);
      if (!attributesMatch(rule, request)) {
        continue;
      }
      CelConditions.Condition condition = conditions.get(i);
      if (condition != null) {
        boolean holds;
        try {
          holds = condition.test(new RequestFacts(request, document.zone().getRules()));
        } catch (CelConditions.ConditionFailedException e) {
          return new Outcome(
              Effect.DENY, "evaluation_failed", 0, List.copyOf(matched), List.of(rule.id()));
        }
        if (!holds) {
          continue;
        }
      }
      matched.add(rule.id());
      if (rule.effect() == Effect.DENY) {
        denies.add(rule.id());
      } else {
        allows.add(rule);
        if (rule.ttlCap() != null) {
          granted = Math.min(granted, rule.ttlCap().toMillis());
        }
      }
    }
    if (!denies.isEmpty()) {
      return new Outcome(Effect.DENY, "denied_by_rule", 0, matched, denies);
    }
    if (matched.isEmpty()) {
      return new Outcome(Effect.DENY, "no_matching_rule", 0, List.of(), List.of());
    }
    List<String> capping = new ArrayList<>();
    if (granted < request.requestedTtlMs()) {
      for (Rule rule : allows) {
        if (rule.ttlCap() != null && rule.ttlCap().toMillis() == granted) {
          capping.add(rule.id());
        }
      }
    }
    return new Outcome(Effect.ALLOW, "allowed", granted, matched, capping);
  }

  private boolean attributesMatch(Rule rule, PolicyRequest request) {
    Rule.RequesterMatch r = rule.requester();
    PolicyRequest.Requester who = request.requester();
    if (!r.peerIds().isEmpty() && !r.peerIds().contains(who.peerId())) {
      return false;
    }
    if (r.kind() != null && r.kind() != who.kind()) {
      return false;
    }
    if (!r.groupsAny().isEmpty() && Collections.disjoint(r.groupsAny(), who.groups())) {
      return false;
    }
    if (!who.groups().containsAll(r.groupsAll())) {
      return false;
    }
    if (r.minReputation() != null && who.reputation() < r.minReputation()) {
      return false;
    }
    if (r.maxReputation() != null && who.reputation() > r.maxReputation()) {
      return false;
    }
    Rule.TargetMatch t = rule.target();
    PolicyRequest.Target target = request.target();
    if (!t.members().isEmpty() && !contains(t.members(), target.member())) {
      return false;
    }
    if (!t.services().isEmpty() && !contains(t.services(), target.service())) {
      return false;
    }
    if (!t.groupsAny().isEmpty() && Collections.disjoint(t.groupsAny(), target.groups())) {
      return false;
    }
    if (!rule.purpose().isAny()
        && !rule.purpose().exact().contains(request.purpose())
        && rule.purpose().prefixes().stream().noneMatch(request.purpose()::startsWith)) {
      return false;
    }
    Rule.TtlMatch ttl = rule.requestedTtl();
    if (ttl.atLeast() != null && request.requestedTtlMs() < ttl.atLeast().toMillis()) {
      return false;
    }
    if (ttl.atMost() != null && request.requestedTtlMs() > ttl.atMost().toMillis()) {
      return false;
    }
    return rule.time() == null || inWindow(rule.time(), request.atMs());
  }

  private boolean inWindow(Rule.TimeWindow window, long atMs) {
    ZonedDateTime local = Instant.ofEpochMilli(atMs).atZone(document.zone());
    LocalTime time = local.toLocalTime();
    LocalTime from = window.from() == null ? LocalTime.MIDNIGHT : window.from();
    DayOfWeek day = local.getDayOfWeek();
    if (window.until() == null || from.isBefore(window.until())) {
      boolean beforeEnd = window.until() == null || time.isBefore(window.until());
      return listed(window.days(), day) && !time.isBefore(from) && beforeEnd;
    }
    if (!time.isBefore(from)) {
      return listed(window.days(), day);
    }
    return time.isBefore(window.until()) && listed(window.days(), day.minus(1));
  }

  private static boolean listed(Set<Weekday> days, DayOfWeek day) {
    return days.isEmpty() || days.stream().anyMatch(d -> d.day() == day);
  }

  private static boolean contains(Set<String> values, String value) {
    return value != null && values.contains(value);
  }
}
