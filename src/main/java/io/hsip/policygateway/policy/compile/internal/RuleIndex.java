package io.hsip.policygateway.policy.compile.internal;

import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.Rule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds the rules that can match a request without scanning them all. Each rule is filed under its
 * most selective attribute (exact purpose, purpose prefix, target member, requester PeerID,
 * service, target group, requester group, in that order); rules constrained by none of them are
 * always candidates. Candidates come back as a bit set in document order, so evaluation is
 * deterministic.
 */
public final class RuleIndex {

  private static final int[] NONE = new int[0];

  private final int ruleCount;
  private final Map<String, int[]> byPurpose;
  private final Map<String, int[]> byPurposePrefix;
  private final int[] prefixLengths;
  private final Map<String, int[]> byTargetMember;
  private final Map<String, int[]> byRequesterPeer;
  private final Map<String, int[]> byService;
  private final Map<String, int[]> byTargetGroup;
  private final Map<String, int[]> byRequesterGroup;
  private final int[] always;

  /** Indexes {@code rules}; a rule's position in the list is its bit. */
  public RuleIndex(List<Rule> rules) {
    this.ruleCount = rules.size();
    Map<String, List<Integer>> purpose = new HashMap<>();
    Map<String, List<Integer>> prefix = new HashMap<>();
    Map<String, List<Integer>> member = new HashMap<>();
    Map<String, List<Integer>> peer = new HashMap<>();
    Map<String, List<Integer>> service = new HashMap<>();
    Map<String, List<Integer>> targetGroup = new HashMap<>();
    Map<String, List<Integer>> requesterGroup = new HashMap<>();
    List<Integer> rest = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      if (!rule.purpose().isAny()) {
        file(purpose, rule.purpose().exact(), i);
        file(prefix, rule.purpose().prefixes(), i);
      } else if (!rule.target().members().isEmpty()) {
        file(member, rule.target().members(), i);
      } else if (!rule.requester().peerIds().isEmpty()) {
        file(peer, rule.requester().peerIds(), i);
      } else if (!rule.target().services().isEmpty()) {
        file(service, rule.target().services(), i);
      } else if (!rule.target().groupsAny().isEmpty()) {
        file(targetGroup, rule.target().groupsAny(), i);
      } else if (!rule.requester().groupsAny().isEmpty()) {
        file(requesterGroup, rule.requester().groupsAny(), i);
      } else if (!rule.requester().groupsAll().isEmpty()) {
        // Any one required group is a sound key: a request lacking it cannot match.
        file(requesterGroup, List.of(rule.requester().groupsAll().iterator().next()), i);
      } else {
        rest.add(i);
      }
    }
    this.byPurpose = freeze(purpose);
    this.byPurposePrefix = freeze(prefix);
    this.prefixLengths =
        new TreeSet<>(prefix.keySet().stream().map(String::length).toList())
            .stream().mapToInt(Integer::intValue).toArray();
    this.byTargetMember = freeze(member);
    this.byRequesterPeer = freeze(peer);
    this.byService = freeze(service);
    this.byTargetGroup = freeze(targetGroup);
    this.byRequesterGroup = freeze(requesterGroup);
    this.always = rest.stream().mapToInt(Integer::intValue).toArray();
  }

  /** How many words a candidate bit set has. */
  public int words() {
    return (ruleCount + 63) >>> 6;
  }

  /**
   * Sets the bit of every rule that may match {@code request} in {@code bits} (cleared by the
   * caller).
   */
  public void candidates(PolicyRequest request, long[] bits) {
    String purpose = request.purpose();
    mark(bits, byPurpose.getOrDefault(purpose, NONE));
    for (int length : prefixLengths) {
      if (length > purpose.length()) {
        break;
      }
      mark(bits, byPurposePrefix.getOrDefault(purpose.substring(0, length), NONE));
    }
    PolicyRequest.Target target = request.target();
    if (target.member() != null) {
      mark(bits, byTargetMember.getOrDefault(target.member(), NONE));
    }
    mark(bits, byRequesterPeer.getOrDefault(request.requester().peerId(), NONE));
    if (target.service() != null) {
      mark(bits, byService.getOrDefault(target.service(), NONE));
    }
    if (!byTargetGroup.isEmpty()) {
      for (String group : target.groups()) {
        mark(bits, byTargetGroup.getOrDefault(group, NONE));
      }
    }
    if (!byRequesterGroup.isEmpty()) {
      for (String group : request.requester().groups()) {
        mark(bits, byRequesterGroup.getOrDefault(group, NONE));
      }
    }
    mark(bits, always);
  }

  private static void mark(long[] bits, int[] rules) {
    for (int rule : rules) {
      bits[rule >>> 6] |= 1L << rule;
    }
  }

  private static void file(Map<String, List<Integer>> index, Collection<String> keys, int rule) {
    for (String key : keys) {
      index.computeIfAbsent(key, k -> new ArrayList<>()).add(rule);
    }
  }

  private static Map<String, int[]> freeze(Map<String, List<Integer>> index) {
    Map<String, int[]> frozen = new HashMap<>();
    index.forEach(
        (key, rules) -> frozen.put(key, rules.stream().mapToInt(Integer::intValue).toArray()));
    return Map.copyOf(frozen);
  }
}
