package io.hsip.policygateway.policy.impact;

import static io.hsip.policygateway.gateway.DecisionFixture.ALICE;
import static io.hsip.policygateway.gateway.DecisionFixture.BLOCKED;
import static io.hsip.policygateway.gateway.DecisionFixture.CONTRACTOR;
import static io.hsip.policygateway.gateway.DecisionFixture.OUTSIDER;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.hsip.policygateway.TestDatabase;
import io.hsip.policygateway.audit.AuditEntry;
import io.hsip.policygateway.audit.AuditLog;
import io.hsip.policygateway.audit.AuditReader;
import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.cli.HsipCli;
import io.hsip.policygateway.directory.DirectoryAdmin;
import io.hsip.policygateway.gateway.DecisionDirectory;
import io.hsip.policygateway.gateway.DecisionFixture;
import io.hsip.policygateway.gateway.GatewayConfig;
import io.hsip.policygateway.gateway.decision.Decision;
import io.hsip.policygateway.gateway.decision.DecisionPipeline;
import io.hsip.policygateway.gateway.decision.FrontDoor;
import io.hsip.policygateway.gateway.udp.UdpListeners;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.compile.PolicyLimits;
import io.hsip.policygateway.policy.lifecycle.Actor;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.hsip.policygateway.policy.live.LivePolicy;
import io.hsip.policygateway.policy.model.DecisionChange;
import io.hsip.policygateway.policy.model.Effect;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.RequesterKind;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Impact analysis on the real pipeline and PostgreSQL: decisions made by the gateway are recorded
 * with their facts, and replaying them against a draft that changes one rule reports exactly the
 * changes a brute-force evaluation of the same requests finds, grouped by the rules involved, with
 * samples; PeerIDs named by the draft are recognised through their pseudonyms; what the policy did
 * not decide, and entries without facts, are counted as not replayed. Through the API, by role,
 * with problems for a bad window and an unknown draft.
 */
@QuarkusTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PolicyImpactTest {

  private static final Actor ADMIN = Actor.person("alice.admin", "alice.admin");
  private static final String API = "/api/v1/policies/drafts/";
  private static final long MINUTE = 60_000;

  @Inject DecisionPipeline pipeline;
  @Inject PolicyLifecycle lifecycle;
  @Inject LivePolicy live;
  @Inject DirectoryAdmin admin;
  @Inject UdpListeners listeners;
  @Inject GatewayConfig gateway;
  @Inject PolicyImpact impact;
  @Inject AuditReader reader;
  @Inject AuditLog audit;

  private String desk;
  private String vault;
  private final SigningKey limited = SigningKey.generate(DecisionFixture.RANDOM);

  /** A request the test made, with the facts the gateway decided it on. */
  private record Made(ConsentRequest request, PolicyRequest.Target target, Decision decision) {}

  @BeforeEach
  void setUp() {
    desk = listeners.publicKey("main").orElseThrow().peerId().value();
    vault = listeners.publicKey("protected").orElseThrow().peerId().value();
    new DecisionDirectory(admin)
        .groups("engineering", "contractors")
        .member(ALICE.peerId().value(), "Alice", Set.of("engineering"), null)
        .member(CONTRACTOR.peerId().value(), "Carl", Set.of("contractors"), null)
        .member(BLOCKED.peerId().value(), "Mallory", Set.of("engineering"), null)
        .member(limited.peerId().value(), "Lim", Set.of(), null)
        .member(desk, "Main desk", Set.of("engineering"), null)
        .service("vault", vault);
    DecisionFixture.publishPolicy(lifecycle, live);
  }

  private Set<String> groupsOf(SigningKey key) {
    if (key == ALICE || key == BLOCKED) {
      return Set.of("engineering");
    }
    return key == CONTRACTOR ? Set.of("contractors") : Set.of();
  }

  private Made decide(SigningKey key, String purpose, long lifetimeMs, boolean toVault) {
    ConsentRequest request = DecisionFixture.request(key, purpose, lifetimeMs);
    Decision decision = pipeline.decide(request, toVault ? vault : desk, FrontDoor.API);
    PolicyRequest.Target target =
        toVault
            ? new PolicyRequest.Target(null, Set.of(), "vault")
            : new PolicyRequest.Target(desk, Set.of("engineering"), null);
    return new Made(request, target, decision);
  }

  /**
   * The traffic: allows with many TTLs, denies by four rules, and what the policy did not decide.
   */
  private List<Made> traffic() {
    List<Made> made = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      made.add(decide(ALICE, "chat", (5 + 3L * i) * MINUTE, false));
    }
    for (int i = 0; i < 10; i++) {
      made.add(decide(CONTRACTOR, "chat", 10 * MINUTE, false));
      made.add(decide(BLOCKED, "chat", (20 + 10L * i) * MINUTE, false));
      made.add(decide(OUTSIDER, "chat", 10 * MINUTE, false));
      made.add(decide(ALICE, "sensitive.read", 10 * MINUTE, false));
      made.add(decide(ALICE, "chat", 10 * MINUTE, true));
    }
    for (int i = 0; i < 3; i++) {
      made.add(decide(limited, "limited", 10 * MINUTE, false));
    }
    ConsentRequest forged =
        DecisionFixture.badSignature(DecisionFixture.request(ALICE, "chat", 10 * MINUTE));
    made.add(new Made(forged, null, pipeline.decide(forged, desk, FrontDoor.API)));
    return made;
  }

  private PolicyRequest facts(Made made) {
    String peer = made.request().requesterPeerId();
    boolean member = !peer.equals(OUTSIDER.peerId().value());
    SigningKey key =
        List.of(ALICE, BLOCKED, CONTRACTOR, limited).stream()
            .filter(k -> k.peerId().value().equals(peer))
            .findFirst()
            .orElse(OUTSIDER);
    return new PolicyRequest(
        new PolicyRequest.Requester(
            peer,
            member ? RequesterKind.MEMBER : RequesterKind.EXTERNAL,
            groupsOf(key),
            gateway.reputation().neutral()),
        made.target(),
        made.request().purpose(),
        made.request().expiresMs() - made.decision().atMs(),
        made.decision().atMs());
  }

  /** The brute-force count: every decision the policy made, evaluated again with the draft. */
  private Map<String, Long> bruteForce(List<Made> traffic, String draft) {
    CompiledPolicy policy = new PolicyCompiler(PolicyLimits.DEFAULTS).compile(draft).orThrow();
    Map<String, Long> expected = new TreeMap<>();
    for (DecisionChange change : DecisionChange.values()) {
      expected.put(change.wire(), 0L);
    }
    for (Made made : traffic) {
      String reason = made.decision().reason().wire();
      if (!Set.of("allowed", "policy_deny", "no_policy").contains(reason)) {
        continue;
      }
      PolicyDecision now = policy.evaluate(facts(made));
      boolean allows = now.effect() == Effect.ALLOW && now.grantedTtlMs() > 0;
      DecisionChange change =
          DecisionChange.between(
              made.decision().allows(),
              made.decision().ttlMs(),
              allows,
              allows ? now.grantedTtlMs() : 0);
      if (change != null) {
        expected.merge(change.wire(), 1L, Long::sum);
      }
    }
    return expected;
  }

  private UUID draft(String document) {
    return lifecycle.createDraft(ADMIN, document.getBytes(StandardCharsets.UTF_8)).draft().id;
  }

  @Test
  void aDraftThatChangesOneRuleReportsExactlyTheBruteForceChanges() {
    Instant from = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusMillis(1);
    List<Made> traffic = traffic();
    // An entry from before decisions recorded their facts.
    audit.append(
        AuditEntry.decision(ALICE.peerId().value(), "allow")
            .requestHash("00".repeat(32))
            .detail("reason", "allowed")
            .detail("purpose", "chat")
            .detail("ttl_ms", "60000")
            .build());
    Instant to = Instant.now().plusSeconds(1);
    assertThat(traffic.stream().map(m -> m.decision().reason().wire()).distinct())
        .contains("allowed", "policy_deny", "rate_limited", "bad_signature");

    // One rule changed: members' chat capped at 30 minutes instead of an hour.
    String shorter = DecisionFixture.policy().replaceFirst("ttl_cap: 1h", "ttl_cap: 30m");
    assertThat(shorter).isNotEqualTo(DecisionFixture.policy());
    ImpactReport report = impact.analyse(draft(shorter), from, to);
    Map<String, Long> expected = bruteForce(traffic, shorter);
    assertThat(report.changes()).isEqualTo(expected);
    assertThat(expected.get("ttl_shorter")).as("the change is exercised").isGreaterThan(30);
    assertThat(report.complete()).isTrue();
    assertThat(report.decisions()).isEqualTo(traffic.size() + 1L);
    // Bad signature and the rate-limited third request were not the policy's answers.
    assertThat(report.notReplayed())
        .containsEntry("not_decided_by_policy", 2L)
        .containsEntry("no_recorded_facts", 1L)
        .containsEntry("unknown_peer_in_condition", 0L);
    assertThat(report.replayed()).isEqualTo(traffic.size() - 2L);
    assertThat(report.groups())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.change()).isEqualTo("ttl_shorter");
              assertThat(g.recordedRules()).containsExactly("allow-members-chat");
              assertThat(g.draftRules()).containsExactly("allow-members-chat");
              assertThat(g.decisions()).isEqualTo(expected.get("ttl_shorter"));
              assertThat(g.samples()).hasSize(3);
              assertThat(g.samples().getFirst().draft().ttlMs()).isEqualTo(30 * MINUTE);
              assertThat(g.samples().getFirst().recorded().ttlMs()).isGreaterThan(30 * MINUTE);
            });

    // One rule changed: the blocked PeerID is now Alice's. Alice is named by the draft, so her
    // pseudonym is recognised; Mallory is not any more, and stands in as an unknown member.
    String swapped =
        DecisionFixture.policy().replace(BLOCKED.peerId().value(), ALICE.peerId().value());
    ImpactReport blocked = impact.analyse(draft(swapped), from, to);
    Map<String, Long> expectedBlocked = bruteForce(traffic, swapped);
    assertThat(blocked.changes()).isEqualTo(expectedBlocked);
    assertThat(expectedBlocked.get("allow_to_deny")).isEqualTo(60L);
    assertThat(expectedBlocked.get("deny_to_allow")).isEqualTo(10L);
    assertThat(blocked.groups())
        .anySatisfy(
            g -> {
              assertThat(g.change()).isEqualTo("allow_to_deny");
              assertThat(g.draftRules()).contains("deny-blocked-peers");
            });

    // A condition that reads PeerIDs cannot be replayed for peers known only by pseudonym.
    String reading =
        DecisionFixture.policy()
            .replace(
                "    ttl_cap: 1h\n    rate_limit",
                "    ttl_cap: 1h\n    condition: 'requester.peer_id != \"\"'\n    rate_limit");
    assertThat(reading).isNotEqualTo(DecisionFixture.policy());
    ImpactReport unknown = impact.analyse(draft(reading), from, to);
    assertThat(unknown.notReplayed().get("unknown_peer_in_condition")).isPositive();
  }

  @Test
  void theTargetMemberIsRecordedAsItsPseudonym() throws Exception {
    Made made = decide(ALICE, "chat", 10 * MINUTE, false);
    String pseudonym =
        reader.peersByPseudonym(List.of(desk)).entrySet().stream()
            .filter(e -> e.getValue().equals(desk))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow();
    try (Connection c = TestDatabase.runtime();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT convert_from(body, 'UTF8') FROM audit_entry WHERE seq = ?")) {
      s.setLong(1, made.decision().auditSeq());
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        String body = rs.getString(1);
        assertThat(body)
            .contains("\"target_member\":\"" + pseudonym + "\"")
            .contains("\"requester_groups\":\"engineering\"")
            .contains("\"target_groups\":\"engineering\"")
            .contains("\"requested_ttl_ms\":\"")
            .doesNotContain(desk)
            .doesNotContain(ALICE.peerId().value());
      }
    }
  }

  @Test
  void theApiAnswersByRoleWithProblemsForBadWindowsAndUnknownDrafts() {
    UUID id = draft(DecisionFixture.policy().replaceFirst("ttl_cap: 1h", "ttl_cap: 2h"));
    given()
        .auth()
        .oauth2(TestTokens.viewer())
        .contentType("application/json")
        .body("{}")
        .post(API + id + "/impact")
        .then()
        .statusCode(403);
    // No body: the default window, the last 7 days, whatever the suite decided in it. The counts
    // must add up: every decision read is replayed or counted as not replayed, every replayed one
    // is unchanged or changed, and the change kinds sum to the changed.
    io.restassured.path.json.JsonPath answer =
        given()
            .auth()
            .oauth2(TestTokens.auditor())
            .contentType("application/json")
            .post(API + id + "/impact")
            .then()
            .statusCode(200)
            .body("complete", equalTo(true))
            .body("policy_set", equalTo("acme"))
            .extract()
            .jsonPath();
    Map<String, Integer> changes = answer.getMap("changes");
    Map<String, Integer> skipped = answer.getMap("not_replayed");
    assertThat(Instant.parse(answer.getString("to")).minus(java.time.Duration.ofDays(7)))
        .isEqualTo(Instant.parse(answer.getString("from")));
    assertThat(answer.getLong("decisions"))
        .isEqualTo(answer.getLong("replayed") + skipped.values().stream().mapToLong(n -> n).sum());
    assertThat(answer.getLong("replayed"))
        .isEqualTo(answer.getLong("unchanged") + answer.getLong("changed"));
    assertThat(changes.values().stream().mapToLong(n -> n).sum())
        .isEqualTo(answer.getLong("changed"));
    given()
        .auth()
        .oauth2(TestTokens.admin())
        .contentType("application/json")
        .body("{\"from\": \"2026-02-01T00:00:00Z\", \"to\": \"2026-01-01T00:00:00Z\"}")
        .post(API + id + "/impact")
        .then()
        .statusCode(400)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("detail", org.hamcrest.Matchers.containsString("the window is empty"));
    given()
        .auth()
        .oauth2(TestTokens.admin())
        .contentType("application/json")
        .body("{\"from\": \"not a time\"}")
        .post(API + id + "/impact")
        .then()
        .statusCode(400)
        .contentType(startsWith(Problem.MEDIA_TYPE));
    // One analysis at a time per replica: the next is refused with a hint when to retry.
    assertThat(impact.slot().tryAcquire()).isTrue();
    try {
      given()
          .auth()
          .oauth2(TestTokens.admin())
          .contentType("application/json")
          .body("{}")
          .post(API + id + "/impact")
          .then()
          .statusCode(503)
          .contentType(startsWith(Problem.MEDIA_TYPE))
          .header("Retry-After", equalTo("5"))
          .body("type", org.hamcrest.Matchers.endsWith("policy-impact-busy"));
    } finally {
      impact.slot().release();
    }
    given()
        .auth()
        .oauth2(TestTokens.admin())
        .contentType("application/json")
        .body("{}")
        .post(API + UUID.randomUUID() + "/impact")
        .then()
        .statusCode(404)
        .contentType(startsWith(Problem.MEDIA_TYPE));
  }

  @Test
  void theCliPrintsTheImpactAndCanFailOnAChange(@TempDir Path dir) throws Exception {
    Instant from = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusMillis(1);
    for (int i = 0; i < 3; i++) {
      assertThat(decide(ALICE, "chat", 90 * MINUTE, false).decision().allows()).isTrue();
    }
    Instant to = Instant.now().plusSeconds(1);
    String id =
        draft(DecisionFixture.policy().replaceFirst("ttl_cap: 1h", "ttl_cap: 30m")).toString();
    Path auditor = Files.writeString(dir.resolve("auditor"), TestTokens.auditor() + "\n");
    String url = "http://localhost:" + RestAssured.port;
    List<String> window =
        List.of("--url", url, "--from", from.toString(), "--to", to.toString(), "--token-file");

    Cli plain = cli("policy", "impact", id, window, auditor.toString());
    assertThat(plain.exit()).as(plain.output()).isZero();
    assertThat(plain.output())
        .contains("3 decisions read, 3 replayed, 0 unchanged, 3 would change")
        .contains("TTL shorter    3")
        .contains("recorded rules [allow-members-chat] -> draft rules [allow-members-chat]")
        .contains("3600000 ms -> allow 1800000 ms");

    Cli failing = cli("policy", "impact", id, window, auditor.toString(), "--fail-on-change");
    assertThat(failing.exit()).isEqualTo(1);
    Cli json = cli("policy", "impact", id, window, auditor.toString(), "--json");
    assertThat(json.exit()).isZero();
    assertThat(ObjectMappers.standard().readTree(json.output()).path("changed").asLong())
        .isEqualTo(3);

    Path viewer = Files.writeString(dir.resolve("viewer"), TestTokens.viewer());
    Cli refused = cli("policy", "impact", id, window, viewer.toString());
    assertThat(refused.exit()).isEqualTo(3);
    assertThat(refused.output()).contains("the gateway refused (403");
    Cli unknown = cli("policy", "impact", UUID.randomUUID().toString(), window, auditor.toString());
    assertThat(unknown.exit()).isEqualTo(3);
    assertThat(unknown.output()).contains("(404 Policy not found)");
    Cli badTime =
        cli(
            "policy",
            "impact",
            id,
            List.of("--from", "yesterday", "--token-file"),
            auditor.toString());
    assertThat(badTime.exit()).isEqualTo(2);
    assertThat(badTime.output()).contains("--from must be an ISO-8601 instant");
    Cli unreachable =
        cli(
            "policy",
            "impact",
            id,
            List.of("--url", "http://127.0.0.1:9", "--token-file"),
            auditor.toString());
    assertThat(unreachable.exit()).isEqualTo(3);
    assertThat(unreachable.output()).contains("cannot reach the gateway");
  }

  private record Cli(int exit, String output) {}

  private static Cli cli(
      String command, String sub, String id, List<String> options, String... more) {
    List<String> args = new ArrayList<>(List.of(command, sub, id));
    args.addAll(options);
    args.addAll(List.of(more));
    StringWriter out = new StringWriter();
    PrintWriter writer = new PrintWriter(out, true);
    int exit = HsipCli.run(Clock.systemUTC(), writer, writer, args.toArray(String[]::new));
    return new Cli(exit, out.toString());
  }
}
