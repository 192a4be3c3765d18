package io.hsip.policygateway.policy.compile;

import io.hsip.policygateway.policy.model.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * For the lints: the rules that may {@link RuleCoverage#covers cover} a given rule, found without
 * comparing every pair, so that linting stays near-linear in the rule count.
 *
 * <p>A rule can only cover another if its purpose matcher covers the other's first purpose (an
 * exact purpose is covered by the same exact purpose or by a prefix of it; a prefix only by a
 * prefix of it; any purpose by any purpose only), and if it names PeerIDs, only a rule naming a
 * subset of them. Rules are filed under those two keys; a lookup returns a superset of the covering
 * rules, which the caller still checks one by one.
 */
final class CoverCandidates {

  /** The rules filed under one purpose key: open to any requester, or only to some PeerIDs. */
  private static final class Bucket {
    final List<Integer> open = new ArrayList<>();
    final Map<String, List<Integer>> byPeer = new HashMap<>();
  }

  private final Map<String, Bucket> byExact = new HashMap<>();
  private final Map<String, Bucket> byPrefix = new HashMap<>();
  private final Bucket anyPurpose = new Bucket();
  private final int[] prefixLengths;

  CoverCandidates(List<Rule> rules) {
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      Rule.PurposeMatch purpose = rule.purpose();
      if (purpose.isAny()) {
        file(anyPurpose, rule, i);
        continue;
      }
      for (String exact : purpose.exact()) {
        file(byExact.computeIfAbsent(exact, k -> new Bucket()), rule, i);
      }
      for (String prefix : purpose.prefixes()) {
        file(byPrefix.computeIfAbsent(prefix, k -> new Bucket()), rule, i);
      }
    }
    this.prefixLengths =
        byPrefix.keySet().stream().mapToInt(String::length).distinct().sorted().toArray();
  }

  private static void file(Bucket bucket, Rule rule, int index) {
    if (rule.requester().peerIds().isEmpty()) {
      bucket.open.add(index);
    } else {
      for (String peer : rule.requester().peerIds()) {
        bucket.byPeer.computeIfAbsent(peer, k -> new ArrayList<>()).add(index);
      }
    }
  }

  /** The numbers of the rules that may cover {@code rule}, ascending (it may be among them). */
  TreeSet<Integer> of(Rule rule) {
    TreeSet<Integer> out = new TreeSet<>();
    String peer =
        rule.requester().peerIds().isEmpty() ? null : rule.requester().peerIds().iterator().next();
    collect(anyPurpose, peer, out);
    Rule.PurposeMatch purpose = rule.purpose();
    if (purpose.isAny()) {
      return out;
    }
    String first;
    if (!purpose.prefixes().isEmpty()) {
      first = purpose.prefixes().getFirst();
    } else {
      first = purpose.exact().iterator().next();
      Bucket same = byExact.get(first);
      if (same != null) {
        collect(same, peer, out);
      }
    }
    for (int length : prefixLengths) {
      if (length > first.length()) {
        break;
      }
      Bucket prefixed = byPrefix.get(first.substring(0, length));
      if (prefixed != null) {
        collect(prefixed, peer, out);
      }
    }
    return out;
  }

  private static void collect(Bucket bucket, String peer, TreeSet<Integer> out) {
    out.addAll(bucket.open);
    if (peer != null) {
      out.addAll(bucket.byPeer.getOrDefault(peer, List.of()));
    }
  }
}
