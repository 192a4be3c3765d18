package io.hsip.policygateway.policy.compile.internal;

import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.RequesterKind;
import io.hsip.policygateway.policy.model.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Finds the rules that can match a request without scanning them all, so that a decision costs
 * about the same with 100 rules as with 20,000.
 *
 * <p>The index is a three-level tree over the three things nearly every rule constrains: the
 * purpose (exact or prefix, or any), the requester (PeerID, group, kind, or any) and the target
 * (member, service, group, or any). Each rule is filed under every combination of its keys in the
 * three dimensions, and a request visits only the branches its own keys name, so it reaches just
 * the rules whose purpose, requester and target can all match. Within a dimension a rule is filed
 * under its most selective attribute: the one whose keys the fewest other rules share (a rule
 * naming both a target group and a service chosen by many rules is filed under the group). A rule
 * constrained in no dimension sits at the "any" leaf of every level and is always a candidate.
 *
 * <p>The index only narrows: every candidate is still checked in full ({@link
 * CompiledRule#matches}), including reputation, requested TTL, time window and CEL condition. It is
 * sound because a rule filed under keys K in a dimension can only match a request carrying one of K
 * there, and a request visits the branch of every key it carries plus the "any" branch.
 *
 * <p>Candidates come back sorted in document order without duplicates, so evaluation and its
 * explanations are exactly those of a scan of every rule.
 */
public final class RuleIndex {

  /**
   * The most index entries one rule may take (the product of its key counts in the three
   * dimensions); past it the dimension with the most keys is indexed as "any" instead.
   */
  static final int MAX_ENTRIES_PER_RULE = 256;

  private static final int[] NONE = new int[0];

  private final Level1 root;

  /** Indexes {@code rules}; a rule's position in the list is its number. */
  public RuleIndex(List<Rule> rules) {
    KeyCounts counts = new KeyCounts(rules);
    Level1Builder builder = new Level1Builder();
    for (int i = 0; i < rules.size(); i++) {
      builder.file(Keys.of(rules.get(i), counts), i);
    }
    this.root = builder.build();
  }

  /** The numbers of the rules that may match {@code request}, ascending and without duplicates. */
  public Candidates candidates(PolicyRequest request) {
    Candidates out = new Candidates();
    String purpose = request.purpose();
    Level2 exact = root.byPurpose.get(purpose);
    if (exact != null) {
      exact.collect(request, out);
    }
    for (int length : root.prefixLengths) {
      if (length > purpose.length()) {
        break;
      }
      Level2 prefixed = root.byPurposePrefix.get(purpose.substring(0, length));
      if (prefixed != null) {
        prefixed.collect(request, out);
      }
    }
    if (root.anyPurpose != null) {
      root.anyPurpose.collect(request, out);
    }
    out.finish();
    return out;
  }

  // Lookup

  /** The rule numbers a request reaches, gathered from the leaves of its branches. */
  public static final class Candidates {
    private int[] rules = new int[16];
    private int size;
    private int arrays;

    /** How many rules. */
    public int size() {
      return size;
    }

    /** The {@code i}-th rule number, ascending in {@code i}. */
    public int get(int i) {
      return rules[i];
    }

    void add(int @Nullable [] leaf) {
      if (leaf == null || leaf.length == 0) {
        return;
      }
      if (size + leaf.length > rules.length) {
        rules = Arrays.copyOf(rules, Math.max(rules.length * 2, size + leaf.length));
      }
      System.arraycopy(leaf, 0, rules, size, leaf.length);
      size += leaf.length;
      arrays++;
    }

    /** Sorts and removes duplicates (a rule reached through two keys). */
    void finish() {
      if (arrays <= 1) {
        return; // one leaf is sorted and has no duplicates
      }
      Arrays.sort(rules, 0, size);
      int unique = 1;
      for (int i = 1; i < size; i++) {
        if (rules[i] != rules[unique - 1]) {
          rules[unique++] = rules[i];
        }
      }
      size = unique;
    }
  }

  /** Purpose level. */
  private record Level1(
      Map<String, Level2> byPurpose,
      Map<String, Level2> byPurposePrefix,
      int[] prefixLengths,
      @Nullable Level2 anyPurpose) {}

  /** Requester level. */
  private record Level2(
      Map<String, Level3> byPeer,
      Map<String, Level3> byGroup,
      @Nullable Level3 member,
      @Nullable Level3 external,
      @Nullable Level3 any) {

    void collect(PolicyRequest request, Candidates out) {
      PolicyRequest.Requester requester = request.requester();
      if (!byPeer.isEmpty()) {
        visit(byPeer.get(requester.peerId()), request, out);
      }
      if (!byGroup.isEmpty()) {
        for (String group : requester.groups()) {
          visit(byGroup.get(group), request, out);
        }
      }
      visit(requester.kind() == RequesterKind.MEMBER ? member : external, request, out);
      visit(any, request, out);
    }

    private static void visit(@Nullable Level3 level, PolicyRequest request, Candidates out) {
      if (level != null) {
        level.collect(request.target(), out);
      }
    }
  }

  /** Target level; its leaves are rule numbers in ascending order. */
  private record Level3(
      Map<String, int[]> byMember,
      Map<String, int[]> byService,
      Map<String, int[]> byGroup,
      int[] any) {

    void collect(PolicyRequest.Target target, Candidates out) {
      if (target.member() != null && !byMember.isEmpty()) {
        out.add(byMember.get(target.member()));
      }
      if (target.service() != null && !byService.isEmpty()) {
        out.add(byService.get(target.service()));
      }
      if (!byGroup.isEmpty()) {
        for (String group : target.groups()) {
          out.add(byGroup.get(group));
        }
      }
      out.add(any);
    }
  }

  // Choosing a rule's keys

  /** The attributes a dimension can be indexed on. */
  private enum Attribute {
    PURPOSE,
    PEER,
    GROUP,
    KIND,
    MEMBER,
    SERVICE,
    TARGET_GROUP,
    ANY
  }

  /**
   * A rule's keys in one dimension.
   *
   * @param attribute what the keys are; {@link Attribute#ANY} for "unconstrained"
   * @param keys the values (for purposes, exact values and prefixes apart)
   * @param prefixes purpose prefixes (purpose dimension only)
   */
  private record DimensionKeys(Attribute attribute, List<String> keys, List<String> prefixes) {
    static final DimensionKeys ANY = new DimensionKeys(Attribute.ANY, List.of(), List.of());

    int size() {
      return attribute == Attribute.ANY ? 1 : keys.size() + prefixes.size();
    }
  }

  /** A rule's keys in the three dimensions. */
  private record Keys(DimensionKeys purpose, DimensionKeys requester, DimensionKeys target) {

    static Keys of(Rule rule, KeyCounts counts) {
      DimensionKeys purpose =
          rule.purpose().isAny()
              ? DimensionKeys.ANY
              : new DimensionKeys(
                  Attribute.PURPOSE,
                  sorted(rule.purpose().exact()),
                  sorted(rule.purpose().prefixes()));
      DimensionKeys requester = requesterKeys(rule.requester(), counts);
      DimensionKeys target = targetKeys(rule.target(), counts);
      // Bounded fan-out: a rule listing many values in every dimension would otherwise be filed
      // under their full cross product. Dropping a dimension to "any" stays sound, only less sharp.
      while ((long) purpose.size() * requester.size() * target.size() > MAX_ENTRIES_PER_RULE) {
        if (purpose.size() >= requester.size() && purpose.size() >= target.size()) {
          purpose = DimensionKeys.ANY;
        } else if (requester.size() >= target.size()) {
          requester = DimensionKeys.ANY;
        } else {
          target = DimensionKeys.ANY;
        }
      }
      return new Keys(purpose, requester, target);
    }

    private static DimensionKeys requesterKeys(Rule.RequesterMatch r, KeyCounts counts) {
      List<DimensionKeys> options = new ArrayList<>(4);
      if (!r.peerIds().isEmpty()) {
        options.add(keys(Attribute.PEER, r.peerIds()));
      }
      if (!r.groupsAny().isEmpty()) {
        options.add(keys(Attribute.GROUP, r.groupsAny()));
      }
      if (!r.groupsAll().isEmpty()) {
        // Any one required group is a sound key (a request lacking it cannot match): the rarest.
        String rarest =
            new TreeSet<>(r.groupsAll())
                .stream()
                    .min(
                        (a, b) ->
                            Integer.compare(
                                counts.count(Attribute.GROUP, a), counts.count(Attribute.GROUP, b)))
                    .orElseThrow();
        options.add(new DimensionKeys(Attribute.GROUP, List.of(rarest), List.of()));
      }
      if (r.kind() != null) {
        options.add(new DimensionKeys(Attribute.KIND, List.of(r.kind().wire()), List.of()));
      }
      return counts.mostSelective(options);
    }

    private static DimensionKeys targetKeys(Rule.TargetMatch t, KeyCounts counts) {
      List<DimensionKeys> options = new ArrayList<>(3);
      if (!t.members().isEmpty()) {
        options.add(keys(Attribute.MEMBER, t.members()));
      }
      if (!t.services().isEmpty()) {
        options.add(keys(Attribute.SERVICE, t.services()));
      }
      if (!t.groupsAny().isEmpty()) {
        options.add(keys(Attribute.TARGET_GROUP, t.groupsAny()));
      }
      return counts.mostSelective(options);
    }

    private static DimensionKeys keys(Attribute attribute, java.util.Collection<String> values) {
      return new DimensionKeys(attribute, sorted(values), List.of());
    }
  }

  /** How many rules name each key of each attribute: what makes one attribute more selective. */
  private static final class KeyCounts {
    private final Map<Attribute, Map<String, Integer>> counts = new HashMap<>();

    KeyCounts(List<Rule> rules) {
      for (Rule rule : rules) {
        Rule.RequesterMatch r = rule.requester();
        add(Attribute.PEER, r.peerIds());
        add(Attribute.GROUP, r.groupsAny());
        add(Attribute.GROUP, r.groupsAll());
        if (r.kind() != null) {
          add(Attribute.KIND, List.of(r.kind().wire()));
        }
        add(Attribute.MEMBER, rule.target().members());
        add(Attribute.SERVICE, rule.target().services());
        add(Attribute.TARGET_GROUP, rule.target().groupsAny());
      }
    }

    private void add(Attribute attribute, java.util.Collection<String> keys) {
      Map<String, Integer> byKey = counts.computeIfAbsent(attribute, a -> new HashMap<>());
      for (String key : keys) {
        byKey.merge(key, 1, Integer::sum);
      }
    }

    int count(Attribute attribute, String key) {
      return counts.getOrDefault(attribute, Map.of()).getOrDefault(key, 0);
    }

    /**
     * The option a request reaches the fewest other rules through: the least summed count of its
     * keys (a request carrying one of them meets every rule filed under it); ties keep the first.
     */
    DimensionKeys mostSelective(List<DimensionKeys> options) {
      DimensionKeys best = DimensionKeys.ANY;
      long bestCost = Long.MAX_VALUE;
      for (DimensionKeys option : options) {
        long cost = 0;
        for (String key : option.keys()) {
          cost += count(option.attribute(), key);
        }
        if (cost < bestCost) {
          best = option;
          bestCost = cost;
        }
      }
      return best;
    }
  }

  // Building

  private static final class Level1Builder {
    final Map<String, Level2Builder> byPurpose = new HashMap<>();
    final Map<String, Level2Builder> byPurposePrefix = new HashMap<>();
    @Nullable Level2Builder anyPurpose;

    void file(Keys keys, int rule) {
      if (keys.purpose().attribute() == Attribute.ANY) {
        if (anyPurpose == null) {
          anyPurpose = new Level2Builder();
        }
        anyPurpose.file(keys, rule);
        return;
      }
      for (String purpose : keys.purpose().keys()) {
        byPurpose.computeIfAbsent(purpose, k -> new Level2Builder()).file(keys, rule);
      }
      for (String prefix : keys.purpose().prefixes()) {
        byPurposePrefix.computeIfAbsent(prefix, k -> new Level2Builder()).file(keys, rule);
      }
    }

    Level1 build() {
      return new Level1(
          buildAll(byPurpose, Level2Builder::build),
          buildAll(byPurposePrefix, Level2Builder::build),
          byPurposePrefix.keySet().stream().mapToInt(String::length).distinct().sorted().toArray(),
          anyPurpose == null ? null : anyPurpose.build());
    }
  }

  private static final class Level2Builder {
    final Map<String, Level3Builder> byPeer = new HashMap<>();
    final Map<String, Level3Builder> byGroup = new HashMap<>();
    @Nullable Level3Builder member;
    @Nullable Level3Builder external;
    @Nullable Level3Builder any;

    void file(Keys keys, int rule) {
      DimensionKeys requester = keys.requester();
      switch (requester.attribute()) {
        case PEER -> {
          for (String peer : requester.keys()) {
            byPeer.computeIfAbsent(peer, k -> new Level3Builder()).file(keys, rule);
          }
        }
        case GROUP -> {
          for (String group : requester.keys()) {
            byGroup.computeIfAbsent(group, k -> new Level3Builder()).file(keys, rule);
          }
        }
        case KIND -> {
          if (requester.keys().getFirst().equals(RequesterKind.MEMBER.wire())) {
            member = member == null ? new Level3Builder() : member;
            member.file(keys, rule);
          } else {
            external = external == null ? new Level3Builder() : external;
            external.file(keys, rule);
          }
        }
        default -> {
          any = any == null ? new Level3Builder() : any;
          any.file(keys, rule);
        }
      }
    }

    Level2 build() {
      return new Level2(
          buildAll(byPeer, Level3Builder::build),
          buildAll(byGroup, Level3Builder::build),
          member == null ? null : member.build(),
          external == null ? null : external.build(),
          any == null ? null : any.build());
    }
  }

  private static final class Level3Builder {
    final Map<String, List<Integer>> byMember = new HashMap<>();
    final Map<String, List<Integer>> byService = new HashMap<>();
    final Map<String, List<Integer>> byGroup = new HashMap<>();
    final List<Integer> any = new ArrayList<>();

    void file(Keys keys, int rule) {
      DimensionKeys target = keys.target();
      Map<String, List<Integer>> into =
          switch (target.attribute()) {
            case MEMBER -> byMember;
            case SERVICE -> byService;
            case TARGET_GROUP -> byGroup;
            default -> null;
          };
      if (into == null) {
        any.add(rule);
        return;
      }
      for (String key : target.keys()) {
        into.computeIfAbsent(key, k -> new ArrayList<>()).add(rule);
      }
    }

    Level3 build() {
      return new Level3(
          buildAll(byMember, RuleIndex::ascending),
          buildAll(byService, RuleIndex::ascending),
          buildAll(byGroup, RuleIndex::ascending),
          any.isEmpty() ? NONE : ascending(any));
    }
  }

  /** The values in a fixed order (one value, the common case, needs no sorting). */
  private static List<String> sorted(java.util.Collection<String> values) {
    if (values.size() <= 1) {
      return List.copyOf(values);
    }
    return List.copyOf(new TreeSet<>(values));
  }

  /** Rules are filed in document order, so each leaf is already ascending. */
  private static int[] ascending(List<Integer> rules) {
    return rules.stream().mapToInt(Integer::intValue).toArray();
  }

  private static <B, T> Map<String, T> buildAll(
      Map<String, B> builders, java.util.function.Function<B, T> build) {
    if (builders.isEmpty()) {
      return Map.of();
    }
    Map<String, T> built = HashMap.newHashMap(builders.size());
    builders.forEach((key, builder) -> built.put(key, build.apply(builder)));
    return built;
  }
}
