package io.hsip.policygateway.policy;

import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.RequesterKind;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * The example organisation scaled to many rules, for the benchmark and the index test: its 24 rules
 * plus generated ones in the same style (per-team application purposes, partner file exchange,
 * blocked peers, team channels in office hours, denies for poor reputation, CEL-guarded audit
 * purposes), and a deterministic mix of requests that hit them, miss them, or hit the example's
 * rules.
 */
public final class ScaledPolicy {

  private static final int TEAMS = 50;
  private static final int APPS = 200;
  private static final int SERVICES = 20;

  private ScaledPolicy() {}

  /** A document with {@code rules} rules in total. */
  public static String document(int rules) {
    String example = PolicyDocs.example();
    StringBuilder groups = new StringBuilder("groups:\n");
    for (int t = 0; t < TEAMS; t++) {
      groups.append("  - team-").append(t).append('\n');
    }
    StringBuilder services = new StringBuilder("services:\n");
    for (int s = 0; s < SERVICES; s++) {
      services.append("  - svc-").append(s).append('\n');
    }
    StringBuilder doc =
        new StringBuilder(
            example
                .replace("groups:\n", groups.toString())
                .replace("services:\n", services.toString()));
    int existing = 24;
    for (int k = 0; k < rules - existing; k++) {
      doc.append(rule(k));
    }
    return doc.toString();
  }

  private static String rule(int k) {
    String id = "  - id: gen-" + k + "\n";
    return switch (k % 10) {
      case 0, 1, 2, 3, 4 ->
          id
              + """
              effect: allow
              requester: {kind: member, groups_any: [team-%d]}
              target: {services: [svc-%d]}
              purpose: {exact: [app%d.op%d]}
              ttl_cap: %dh
          """
                  .formatted(k % TEAMS, k % SERVICES, k % APPS, k % 5, 1 + k % 8);
      case 5 ->
          id
              + """
              effect: allow
              requester: {kind: external, min_reputation: %d}
              target: {services: [file-transfer]}
              purpose: {prefixes: [share%d.]}
              ttl_cap: 15m
          """
                  .formatted(40 + k % 50, k % 100);
      case 6 ->
          id
              + """
              effect: deny
              requester: {peer_ids: [%s]}
          """
                  .formatted(peer(k));
      case 7 ->
          id
              + """
              effect: allow
              target: {groups_any: [team-%d], services: [team-channel]}
              purpose: {exact: [team%d.sync]}
              time: {days: [mon, tue, wed, thu, fri], from: "08:00", until: "18:00"}
          """
                  .formatted(k % TEAMS, k % TEAMS);
      case 8 ->
          id
              + """
              effect: deny
              requester: {max_reputation: 30}
              purpose: {exact: [app%d.op%d]}
          """
                  .formatted(k % APPS, k % 5);
      default ->
          id
              + """
              effect: allow
              requester: {kind: member}
              purpose: {exact: [app%d.audit]}
              condition: requester.reputation >= 50 && time.hour < 20
          """
                  .formatted(k % APPS);
    };
  }

  /** A generated PeerID for {@code k}. */
  public static String peer(int k) {
    String digits = String.format(Locale.ROOT, "GEN%023d", k);
    return digits.replace('0', 'A').replace('1', 'B').replace('8', 'C').replace('9', 'D');
  }

  /** {@code count} requests, a fixed mix of hits and misses. */
  public static List<PolicyRequest> requests(int count) {
    Random random = new Random(42);
    long weekday = OffsetDateTime.parse("2026-03-04T10:00:00+01:00").toInstant().toEpochMilli();
    long night = OffsetDateTime.parse("2026-03-04T23:00:00+01:00").toInstant().toEpochMilli();
    List<PolicyRequest> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int k = random.nextInt(10_000);
      long at = random.nextInt(4) == 0 ? night : weekday;
      long ttl = (1 + random.nextInt(240)) * 60_000L;
      PolicyRequest request =
          switch (i % 8) {
            case 0, 1 ->
                new PolicyRequest(
                    new PolicyRequest.Requester(
                        PolicyDocs.ALICE,
                        RequesterKind.MEMBER,
                        Set.of("team-" + k % TEAMS, "engineering"),
                        20 + random.nextInt(80)),
                    new PolicyRequest.Target(
                        PolicyDocs.BOB, Set.of("team-" + (k + 1) % TEAMS), "svc-" + k % SERVICES),
                    "app" + k % APPS + ".op" + k % 5,
                    ttl,
                    at);
            case 2 ->
                new PolicyRequest(
                    new PolicyRequest.Requester(
                        peer(k % 100), RequesterKind.EXTERNAL, Set.of(), random.nextInt(100)),
                    new PolicyRequest.Target(PolicyDocs.BOB, Set.of(), "file-transfer"),
                    "share" + k % 100 + ".contract",
                    ttl,
                    at);
            case 3 ->
                new PolicyRequest(
                    new PolicyRequest.Requester(
                        PolicyDocs.ALICE, RequesterKind.MEMBER, Set.of("team-" + k % TEAMS), 70),
                    new PolicyRequest.Target(null, Set.of("team-" + k % TEAMS), "team-channel"),
                    "team" + k % TEAMS + ".sync",
                    ttl,
                    at);
            case 4 ->
                new PolicyRequest(
                    new PolicyRequest.Requester(
                        PolicyDocs.ALICE, RequesterKind.MEMBER, Set.of(), 80),
                    new PolicyRequest.Target(PolicyDocs.BOB, Set.of(), "chat"),
                    "chat",
                    ttl,
                    at);
            case 5 ->
                new PolicyRequest(
                    new PolicyRequest.Requester(
                        PolicyDocs.ALICE, RequesterKind.MEMBER, Set.of("finance"), 80),
                    new PolicyRequest.Target(PolicyDocs.BOB, Set.of("finance"), "chat"),
                    "finance.close",
                    ttl,
                    at);
            case 6 ->
                new PolicyRequest(
                    new PolicyRequest.Requester(
                        PolicyDocs.ALICE, RequesterKind.MEMBER, Set.of(), 40 + random.nextInt(60)),
                    new PolicyRequest.Target(PolicyDocs.BOB, Set.of(), "svc-1"),
                    "app" + k % APPS + ".audit",
                    ttl,
                    at);
            default ->
                new PolicyRequest(
                    new PolicyRequest.Requester(
                        peer(k), RequesterKind.EXTERNAL, Set.of(), random.nextInt(100)),
                    new PolicyRequest.Target(PolicyDocs.BOB, Set.of("support"), "chat"),
                    "unknown.purpose" + k,
                    ttl,
                    at);
          };
      out.add(request);
    }
    return out;
  }
}
