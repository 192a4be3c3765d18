package io.hsip.policygateway.policy.generate;

import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.RequesterKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A synthetic organisation of any size, for scale benchmarks, capacity tests and trying the gateway
 * out: a policy document of exactly {@code rules} rules in the shape large organisations write
 * them, and a stream of requests that exercise it.
 *
 * <p>The organisation has about one group per 20 rules (at most 1,000), one purpose per 25 rules in
 * domains of eight actions, and one service per 200 rules. Its rules are a fixed mix: team-to-team
 * allows on purposes with TTL caps (55 %), service access on purpose prefixes with rate limits (10
 * %), denies for external requesters on a purpose (10 %: every tenth rule), partner allows above a
 * reputation threshold (8 %), blocked PeerIDs (5 %), team channels in office hours (5 %),
 * reputation floors on a purpose (4 %) and CEL-guarded allows (3 %). The same size and seed always
 * give the same document, byte for byte, and the same requests.
 *
 * <p>Requests are half aimed at a rule (its groups, purpose and target, so that they usually match
 * it and any rule overlapping it) and half drawn at random from the organisation (mostly denied by
 * default), from members and external peers, at office hours and at night.
 */
public final class OrganisationGenerator {

  /** The policy set the generated documents belong to. */
  public static final String POLICY_SET = "generated-org";

  private static final String[] ACTIONS = {
    "read", "write", "sync", "review", "approve", "call", "share", "audit"
  };
  private static final String[] CAPS = {"15m", "1h", "4h", "8h", "24h"};
  private static final long HOUR_MS = 3_600_000L;

  private final int rules;
  private final long seed;
  private final int groups;
  private final int purposes;
  private final int services;
  private final List<RuleShape> shapes = new ArrayList<>();
  private final String document;

  /** What the request generator needs to know about one rule to aim at it. */
  private record RuleShape(
      RequesterKind kind,
      List<String> requesterGroups,
      String peerId,
      List<String> targetGroups,
      String service,
      String purpose) {}

  /**
   * An organisation with {@code rules} rules (at least 1, at most 1,000,000), generated from {@code
   * seed}.
   */
  public OrganisationGenerator(int rules, long seed) {
    if (rules < 1 || rules > 1_000_000) {
      throw new IllegalArgumentException(
          "the rule count must be between 1 and 1000000, was " + rules);
    }
    this.rules = rules;
    this.seed = seed;
    this.groups = Math.clamp(rules / 20, 10, 1000);
    this.purposes = Math.max(16, rules / 25);
    this.services = Math.max(4, rules / 200);
    this.document = generate();
  }

  /** The number of rules. */
  public int rules() {
    return rules;
  }

  /** The policy document, YAML. */
  public String document() {
    return document;
  }

  /** The document, with {@code policySet} as its set instead of {@value #POLICY_SET}. */
  public String document(String policySet) {
    return document.replace("policy_set: " + POLICY_SET + "\n", "policy_set: " + policySet + "\n");
  }

  private String generate() {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder doc = new StringBuilder(rules * 220 + 64 * groups);
    doc.append("# A generated organisation: ")
        .append(rules)
        .append(" rules, seed ")
        .append(seed)
        .append(" (hsip policy generate).\n")
        .append("schema: hsip.io/policy/v1\n")
        .append("policy_set: ")
        .append(POLICY_SET)
        .append('\n')
        .append("description: Synthetic organisation for scale tests.\n")
        .append("timezone: Europe/Berlin\n")
        .append("max_ttl: 24h\n")
        .append("groups:\n");
    for (int g = 0; g < groups; g++) {
      doc.append("  - ").append(group(g)).append('\n');
    }
    doc.append("services:\n");
    for (int s = 0; s < services; s++) {
      doc.append("  - ").append(service(s)).append('\n');
    }
    doc.append("  - team-channel\n");
    doc.append("rules:\n");
    for (int k = 0; k < rules; k++) {
      rule(doc, k, random);
    }
    return doc.toString();
  }

  private void rule(StringBuilder doc, int k, SplittableRandom random) {
    doc.append("  - id: r").append(k).append('\n');
    // Every tenth rule is a deny for external requesters; the rest follow the mix.
    int slot = k % 10 == 9 ? -1 : random.nextInt(90);
    String g1 = group(random.nextInt(groups));
    String g2 = group(random.nextInt(groups));
    String p = purpose(random.nextInt(purposes));
    String svc = service(random.nextInt(services));
    String peer = peer(random.nextInt(1 << 20));
    if (slot < 0) {
      doc.append("    effect: deny\n")
          .append("    requester: {kind: external}\n")
          .append("    purpose: {exact: [")
          .append(p)
          .append("]}\n");
      shapes.add(new RuleShape(RequesterKind.EXTERNAL, List.of(), peer, List.of(), svc, p));
    } else if (slot < 55) {
      boolean twoGroups = random.nextInt(5) == 0;
      String g3 = group(random.nextInt(groups));
      List<String> from = twoGroups && !g3.equals(g1) ? List.of(g1, g3) : List.of(g1);
      boolean memberOnly = random.nextInt(3) == 0;
      doc.append("    effect: allow\n")
          .append("    requester: {")
          .append(memberOnly ? "kind: member, " : "")
          .append("groups_any: [")
          .append(String.join(", ", from))
          .append("]}\n")
          .append("    target: {groups_any: [")
          .append(g2)
          .append("]}\n")
          .append("    purpose: {exact: [")
          .append(p)
          .append("]}\n")
          .append("    ttl_cap: ")
          .append(CAPS[random.nextInt(CAPS.length)])
          .append('\n');
      shapes.add(new RuleShape(RequesterKind.MEMBER, from, peer, List.of(g2), svc, p));
    } else if (slot < 65) {
      String domain = domainOf(p);
      doc.append("    effect: allow\n")
          .append("    requester: {groups_any: [")
          .append(g1)
          .append("]}\n")
          .append("    target: {services: [")
          .append(svc)
          .append("]}\n")
          .append("    purpose: {prefixes: [")
          .append(domain)
          .append(".]}\n")
          .append("    ttl_cap: ")
          .append(CAPS[random.nextInt(CAPS.length)])
          .append('\n')
          .append("    rate_limit: {requests: ")
          .append(10 + random.nextInt(90))
          .append(", per: 1m}\n");
      shapes.add(new RuleShape(RequesterKind.MEMBER, List.of(g1), peer, List.of(), svc, p));
    } else if (slot < 73) {
      doc.append("    effect: allow\n")
          .append("    requester: {kind: external, min_reputation: ")
          .append(30 + random.nextInt(50))
          .append("}\n")
          .append("    target: {services: [")
          .append(svc)
          .append("]}\n")
          .append("    purpose: {prefixes: [")
          .append(domainOf(p))
          .append(".]}\n")
          .append("    ttl_cap: 1h\n");
      shapes.add(new RuleShape(RequesterKind.EXTERNAL, List.of(), peer, List.of(), svc, p));
    } else if (slot < 78) {
      doc.append("    effect: deny\n")
          .append("    requester: {peer_ids: [")
          .append(peer)
          .append("]}\n");
      shapes.add(new RuleShape(RequesterKind.EXTERNAL, List.of(), peer, List.of(), svc, p));
    } else if (slot < 83) {
      doc.append("    effect: allow\n")
          .append("    requester: {kind: member}\n")
          .append("    target: {groups_any: [")
          .append(g2)
          .append("], services: [team-channel]}\n")
          .append("    purpose: {exact: [")
          .append(p)
          .append("]}\n")
          .append(
              "    time: {days: [mon, tue, wed, thu, fri], from: \"08:00\", until: \"18:00\"}\n");
      shapes.add(
          new RuleShape(RequesterKind.MEMBER, List.of(g1), peer, List.of(g2), "team-channel", p));
    } else if (slot < 87) {
      doc.append("    effect: deny\n")
          .append("    requester: {max_reputation: ")
          .append(10 + random.nextInt(20))
          .append("}\n")
          .append("    purpose: {exact: [")
          .append(p)
          .append("]}\n");
      shapes.add(new RuleShape(RequesterKind.EXTERNAL, List.of(), peer, List.of(), svc, p));
    } else {
      doc.append("    effect: allow\n")
          .append("    requester: {groups_any: [")
          .append(g1)
          .append("]}\n")
          .append("    purpose: {exact: [")
          .append(p)
          .append("]}\n")
          .append("    condition: requester.reputation >= ")
          .append(40 + random.nextInt(40))
          .append(" && time.hour < 20\n");
      shapes.add(new RuleShape(RequesterKind.MEMBER, List.of(g1), peer, List.of(), svc, p));
    }
  }

  /**
   * {@code count} requests for the document, drawn from {@code requestSeed}, in the week that
   * starts at {@code around}.
   */
  public List<PolicyRequest> requests(int count, long requestSeed, Instant around) {
    SplittableRandom random = new SplittableRandom(requestSeed);
    long base = around.toEpochMilli();
    List<PolicyRequest> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      // Office hours or night, any day of the week around the given instant.
      long at = base + random.nextInt(7) * 24 * HOUR_MS + random.nextInt(24) * HOUR_MS;
      long ttl = (1 + random.nextInt(48 * 60)) * 30_000L;
      int reputation = random.nextInt(101);
      if (random.nextBoolean()) {
        out.add(aimed(shapes.get(random.nextInt(shapes.size())), random, ttl, reputation, at));
      } else {
        out.add(anyRequest(random, ttl, reputation, at));
      }
    }
    return out;
  }

  private PolicyRequest aimed(
      RuleShape shape, SplittableRandom random, long ttl, int reputation, long at) {
    boolean external = shape.kind() == RequesterKind.EXTERNAL || random.nextInt(8) == 0;
    Set<String> groupsOfRequester = new LinkedHashSet<>();
    if (!external) {
      groupsOfRequester.add(
          shape.requesterGroups().isEmpty()
              ? group(random.nextInt(groups))
              : shape.requesterGroups().get(random.nextInt(shape.requesterGroups().size())));
      if (random.nextBoolean()) {
        groupsOfRequester.add(group(random.nextInt(groups)));
      }
    }
    String peerId = random.nextInt(4) == 0 ? shape.peerId() : peer(random.nextInt(1 << 20));
    Set<String> targetGroups = new LinkedHashSet<>(shape.targetGroups());
    if (targetGroups.isEmpty() || random.nextInt(4) == 0) {
      targetGroups.add(group(random.nextInt(groups)));
    }
    String purpose =
        random.nextInt(5) == 0 ? domainOf(shape.purpose()) + ".export" : shape.purpose();
    return new PolicyRequest(
        new PolicyRequest.Requester(
            peerId,
            external ? RequesterKind.EXTERNAL : RequesterKind.MEMBER,
            groupsOfRequester,
            reputation),
        new PolicyRequest.Target(member(random.nextInt(1 << 16)), targetGroups, shape.service()),
        purpose,
        ttl,
        at);
  }

  private PolicyRequest anyRequest(SplittableRandom random, long ttl, int reputation, long at) {
    boolean external = random.nextInt(3) == 0;
    Set<String> groupsOfRequester = new LinkedHashSet<>();
    if (!external) {
      for (int n = 1 + random.nextInt(3); n > 0; n--) {
        groupsOfRequester.add(group(random.nextInt(groups)));
      }
    }
    boolean toService = random.nextInt(3) == 0;
    return new PolicyRequest(
        new PolicyRequest.Requester(
            peer(random.nextInt(1 << 20)),
            external ? RequesterKind.EXTERNAL : RequesterKind.MEMBER,
            groupsOfRequester,
            reputation),
        new PolicyRequest.Target(
            toService ? null : member(random.nextInt(1 << 16)),
            Set.of(group(random.nextInt(groups))),
            toService ? service(random.nextInt(services)) : null),
        purpose(random.nextInt(purposes + purposes / 10 + 1)),
        ttl,
        at);
  }

  private static String group(int g) {
    return "team-" + g;
  }

  private static String service(int s) {
    return "svc-" + s;
  }

  /** Purposes come in domains of eight actions: {@code d12.approve}. */
  private static String purpose(int p) {
    return "d" + p / ACTIONS.length + "." + ACTIONS[p % ACTIONS.length];
  }

  private static String domainOf(String purpose) {
    return purpose.substring(0, purpose.indexOf('.'));
  }

  /** A PeerID (26 characters of base32) for an external peer numbered {@code n}. */
  static String peer(int n) {
    return peerId("PX", n);
  }

  /** A PeerID for a member numbered {@code n}. */
  static String member(int n) {
    return peerId("MB", n);
  }

  private static String peerId(String prefix, int n) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    char[] id = new char[26];
    prefix.getChars(0, 2, id, 0);
    long value = Integer.toUnsignedLong(n);
    for (int i = 25; i >= 2; i--) {
      id[i] = alphabet.charAt((int) (value & 31));
      value >>>= 5;
    }
    return new String(id);
  }
}
