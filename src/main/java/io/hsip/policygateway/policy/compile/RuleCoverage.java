package io.hsip.policygateway.policy.compile;

import io.hsip.policygateway.policy.model.Rule;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Static reasoning about rules for the lints: whether one rule matches every request another
 * matches, and whether a rule contradicts itself. Conservative: "covers" is claimed only when
 * certain, and a CEL condition on the covering rule defeats it unless both conditions are the same
 * text.
 */
final class RuleCoverage {

  private RuleCoverage() {}

  /** Why {@code rule} can never match, or null if it can. */
  static @Nullable String contradiction(Rule rule) {
    Rule.RequesterMatch r = rule.requester();
    if (r.minReputation() != null
        && r.maxReputation() != null
        && r.minReputation() > r.maxReputation()) {
      return "min_reputation "
          + r.minReputation()
          + " is above max_reputation "
          + r.maxReputation();
    }
    Rule.TtlMatch ttl = rule.requestedTtl();
    if (ttl.atLeast() != null
        && ttl.atMost() != null
        && ttl.atLeast().compareTo(ttl.atMost()) > 0) {
      return "requested_ttl.at_least is above requested_ttl.at_most";
    }
    if (ttl.atMost() != null && ttl.atMost().isZero()) {
      return "requested_ttl.at_most is 0 but every request asks for a positive TTL";
    }
    return null;
  }

  /** Whether {@code a} matches every request that {@code b} matches. */
  static boolean covers(Rule a, Rule b) {
    if (a.condition() != null && !Objects.equals(a.condition(), b.condition())) {
      return false;
    }
    Rule.RequesterMatch ar = a.requester();
    Rule.RequesterMatch br = b.requester();
    return within(ar.peerIds(), br.peerIds())
        && (ar.kind() == null || ar.kind() == br.kind())
        && groupsAnyCovered(ar.groupsAny(), br.groupsAny(), br.groupsAll())
        && br.groupsAll().containsAll(ar.groupsAll())
        && (ar.minReputation() == null
            || (br.minReputation() != null && br.minReputation() >= ar.minReputation()))
        && (ar.maxReputation() == null
            || (br.maxReputation() != null && br.maxReputation() <= ar.maxReputation()))
        && within(a.target().members(), b.target().members())
        && groupsAnyCovered(a.target().groupsAny(), b.target().groupsAny(), Set.of())
        && within(a.target().services(), b.target().services())
        && purposeCovered(a.purpose(), b.purpose())
        && atLeastCovered(a.requestedTtl().atLeast(), b.requestedTtl().atLeast())
        && atMostCovered(a.requestedTtl().atMost(), b.requestedTtl().atMost())
        && timeCovered(a.time(), b.time());
  }

  /** An any-of set A covers B when A is unconstrained, or B is constrained to a subset of A. */
  private static boolean within(Set<String> a, Set<String> b) {
    return a.isEmpty() || (!b.isEmpty() && a.containsAll(b));
  }

  private static boolean groupsAnyCovered(Set<String> a, Set<String> bAny, Set<String> bAll) {
    if (a.isEmpty()) {
      return true;
    }
    if (!bAny.isEmpty() && a.containsAll(bAny)) {
      return true;
    }
    return bAll.stream().anyMatch(a::contains);
  }

  private static boolean purposeCovered(Rule.PurposeMatch a, Rule.PurposeMatch b) {
    if (a.isAny()) {
      return true;
    }
    if (b.isAny()) {
      return false;
    }
    for (String exact : b.exact()) {
      if (!a.exact().contains(exact) && a.prefixes().stream().noneMatch(exact::startsWith)) {
        return false;
      }
    }
    for (String prefix : b.prefixes()) {
      if (a.prefixes().stream().noneMatch(prefix::startsWith)) {
        return false;
      }
    }
    return true;
  }

  private static boolean atLeastCovered(@Nullable Duration a, @Nullable Duration b) {
    return a == null || (b != null && b.compareTo(a) >= 0);
  }

  private static boolean atMostCovered(@Nullable Duration a, @Nullable Duration b) {
    return a == null || (b != null && b.compareTo(a) <= 0);
  }

  private static boolean wraps(Rule.TimeWindow w) {
    LocalTime from = w.from() == null ? LocalTime.MIN : w.from();
    return w.until() != null && !w.until().isAfter(from);
  }

  private static boolean timeCovered(Rule.@Nullable TimeWindow a, Rule.@Nullable TimeWindow b) {
    if (a == null) {
      return true;
    }
    if (b == null) {
      return false;
    }
    if (!a.days().isEmpty() && (b.days().isEmpty() || !a.days().containsAll(b.days()))) {
      return false;
    }
    if (a.from() == null && a.until() == null) {
      // A wrapping b reaches into the morning after each of its days, which a must cover too.
      return a.days().isEmpty()
          || !wraps(b)
          || b.days().stream().allMatch(d -> a.days().contains(d.next()));
    }
    if (Objects.equals(a.from(), b.from()) && Objects.equals(a.until(), b.until())) {
      return true;
    }
    LocalTime af = a.from() == null ? LocalTime.MIN : a.from();
    LocalTime bf = b.from() == null ? LocalTime.MIN : b.from();
    boolean aWraps = a.until() != null && !a.until().isAfter(af);
    boolean bWraps = b.until() != null && !b.until().isAfter(bf);
    if (aWraps || bWraps) {
      return false;
    }
    boolean untilCovered =
        a.until() == null || (b.until() != null && !b.until().isAfter(a.until()));
    return !bf.isBefore(af) && untilCovered;
  }
}
