package io.hsip.policygateway.policy.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.hsip.policygateway.policy.PolicyDocs;
import io.hsip.policygateway.policy.compile.internal.CelConditions;
import io.hsip.policygateway.policy.compile.internal.RequestFacts;
import io.hsip.policygateway.policy.model.Effect;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.RequesterKind;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The decision semantics (docs/decisions.md#policy-semantics), on small documents (plain JUnit, no
 * Quarkus).
 */
class PolicyEvaluationTest {

  private static final long MINUTE = 60_000;
  private final PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);

  private CompiledPolicy compile(String document) {
    Compilation compilation = compiler.compile(document);
    assertThat(compilation.errors()).isEmpty();
    return compilation.orThrow();
  }

  @Test
  void nothingMatchingIsADefaultDenyWithTtlZero() {
    CompiledPolicy policy = compile(PolicyDocs.small("s", "8h", ""));
    PolicyDecision d = policy.evaluate(PolicyDocs.memberChat("indexing", 10 * MINUTE));
    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).isEqualTo(PolicyDecision.Reason.NO_MATCHING_RULE);
    assertThat(d.grantedTtlMs()).isZero();
    assertThat(d.matchedRuleIds()).isEmpty();
    assertThat(d.explanation()).startsWith("DENY: no rule matches (default deny).");
  }

  @Test
  void anAllowGrantsWhatWasRequestedBelowItsCap() {
    PolicyDecision d =
        compile(PolicyDocs.small("s", "8h", ""))
            .evaluate(PolicyDocs.memberChat("chat", 30 * MINUTE));
    assertThat(d.effect()).isEqualTo(Effect.ALLOW);
    assertThat(d.grantedTtlMs()).isEqualTo(30 * MINUTE);
    assertThat(d.matchedRuleIds()).containsExactly("members-chat");
    assertThat(d.decidingRuleIds()).isEmpty();
    assertThat(d.explanation())
        .startsWith("ALLOW for 30m (requested 30m): no matching rule caps it lower.")
        .contains(
            "- members-chat (allow, TTL cap 8h) matched: requester is a member; target service is one of [chat]; purpose is one of [chat]");
  }

  @Test
  void theGrantedTtlIsTheMinimumOfTheRequestAndEveryMatchingCap() {
    CompiledPolicy policy =
        compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: chat-short
          effect: allow
          purpose: {prefixes: [ch]}
          ttl_cap: 45m
        - id: chat-no-cap
          effect: allow
          target: {services: [chat]}
        """));
    PolicyDecision d = policy.evaluate(PolicyDocs.memberChat("chat", 3 * 60 * MINUTE));
    assertThat(d.grantedTtlMs()).isEqualTo(45 * MINUTE);
    assertThat(d.matchedRuleIds()).containsExactly("members-chat", "chat-short", "chat-no-cap");
    assertThat(d.decidingRuleIds()).containsExactly("chat-short");
    assertThat(d.explanation()).startsWith("ALLOW for 45m (requested 3h): capped by chat-short.");
  }

  @Test
  void maxTtlCapsEveryAllow() {
    String doc =
        PolicyDocs.small("s", "8h", "")
            .replace("timezone: Europe/Berlin", "timezone: Europe/Berlin\nmax_ttl: 1h");
    PolicyDecision d = compile(doc).evaluate(PolicyDocs.memberChat("chat", 5 * 60 * MINUTE));
    assertThat(d.grantedTtlMs()).isEqualTo(60 * MINUTE);
    assertThat(d.decidingRuleIds()).isEmpty();
    assertThat(d.explanation())
        .startsWith("ALLOW for 1h (requested 5h): capped by the policy's max_ttl.");
    assertThatThrownBy(() -> d.matched().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void denyOverridesAllowWhereverItStands() {
    CompiledPolicy policy =
        compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: no-low-reputation
          effect: deny
          requester: {max_reputation: 19}
        """));
    PolicyRequest poor =
        PolicyDocs.request(
            RequesterKind.MEMBER,
            Set.of(),
            10,
            "chat",
            Set.of(),
            "chat",
            MINUTE,
            "2026-03-04T10:00:00+01:00");
    PolicyDecision d = policy.evaluate(poor);
    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.grantedTtlMs()).isZero();
    assertThat(d.reason()).isEqualTo(PolicyDecision.Reason.DENIED_BY_RULE);
    assertThat(d.matchedRuleIds()).containsExactly("members-chat", "no-low-reputation");
    assertThat(d.decidingRuleIds()).containsExactly("no-low-reputation");
    assertThat(d.rateLimits()).isEmpty();
    assertThat(d.explanation())
        .contains("denied by no-low-reputation (deny overrides allow)")
        .contains("members-chat (allow, TTL cap 8h, overridden)");
  }

  @Test
  void groupsAnyAllAndTargetGroupsMatchAsDocumented() {
    CompiledPolicy policy =
        compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: finance-pair
          effect: allow
          requester: {groups_any: [finance, support], groups_all: [engineering]}
          target: {groups_any: [finance]}
        """));
    String at = "2026-03-04T10:00:00+01:00";
    assertThat(
            policy
                .evaluate(
                    PolicyDocs.request(
                        RequesterKind.MEMBER,
                        Set.of("finance", "engineering"),
                        50,
                        "x",
                        Set.of("finance"),
                        "p",
                        MINUTE,
                        at))
                .matchedRuleIds())
        .containsExactly("finance-pair");
    assertThat(
            policy
                .evaluate(
                    PolicyDocs.request(
                        RequesterKind.MEMBER,
                        Set.of("finance"),
                        50,
                        "x",
                        Set.of("finance"),
                        "p",
                        MINUTE,
                        at))
                .effect())
        .as("groups_all unmet")
        .isEqualTo(Effect.DENY);
    assertThat(
            policy
                .evaluate(
                    PolicyDocs.request(
                        RequesterKind.MEMBER,
                        Set.of("support", "engineering"),
                        50,
                        "x",
                        Set.of("support"),
                        "p",
                        MINUTE,
                        at))
                .effect())
        .as("target group unmet")
        .isEqualTo(Effect.DENY);
  }

  @Test
  void timeWindowsUseTheDocumentsZoneAndWrapPastMidnight() {
    CompiledPolicy policy =
        compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: night-shift
          effect: allow
          purpose: {exact: [night]}
          time: {days: [mon, tue, wed, thu, fri], from: "22:00", until: "06:00"}
        """));
    assertThat(night(policy, "2026-03-04T22:00:00+01:00")).isEqualTo(Effect.ALLOW);
    assertThat(night(policy, "2026-03-04T21:59:00+01:00")).isEqualTo(Effect.DENY);
    assertThat(night(policy, "2026-03-05T05:59:00+01:00")).isEqualTo(Effect.ALLOW);
    assertThat(night(policy, "2026-03-05T06:00:00+01:00"))
        .as("until is exclusive")
        .isEqualTo(Effect.DENY);
    assertThat(night(policy, "2026-03-04T21:30:00Z")).as("22:30 in Berlin").isEqualTo(Effect.ALLOW);
    assertThat(night(policy, "2026-03-07T23:00:00+01:00")).as("a Saturday").isEqualTo(Effect.DENY);
    assertThat(night(policy, "2026-07-01T20:30:00Z"))
        .as("22:30 in Berlin in summer (UTC+2)")
        .isEqualTo(Effect.ALLOW);
  }

  @Test
  void theEarlyHoursOfAWrappingWindowBelongToThePreviousDaysWindow() {
    CompiledPolicy policy =
        compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: night-shift
          effect: allow
          purpose: {exact: [night]}
          time: {days: [mon, tue, wed, thu, fri], from: "22:00", until: "06:00"}
        """));
    // Friday 22:00 to Saturday 06:00 is Friday's window.
    assertThat(night(policy, "2026-03-06T23:00:00+01:00"))
        .as("Friday night")
        .isEqualTo(Effect.ALLOW);
    assertThat(night(policy, "2026-03-07T05:00:00+01:00"))
        .as("Saturday early, Friday's window")
        .isEqualTo(Effect.ALLOW);
    assertThat(night(policy, "2026-03-07T06:00:00+01:00"))
        .as("Saturday 06:00")
        .isEqualTo(Effect.DENY);
    assertThat(night(policy, "2026-03-07T22:00:00+01:00"))
        .as("Saturday night")
        .isEqualTo(Effect.DENY);
    assertThat(night(policy, "2026-03-08T05:00:00+01:00"))
        .as("Sunday early, Saturday's window")
        .isEqualTo(Effect.DENY);
    // Sunday 22:00 to Monday 06:00 is Sunday's window, which is not listed.
    assertThat(night(policy, "2026-03-09T05:00:00+01:00"))
        .as("Monday early, Sunday's window")
        .isEqualTo(Effect.DENY);
    assertThat(night(policy, "2026-03-09T22:00:00+01:00"))
        .as("Monday night")
        .isEqualTo(Effect.ALLOW);
    assertThat(night(policy, "2026-03-10T05:59:00+01:00"))
        .as("Tuesday early, Monday's window")
        .isEqualTo(Effect.ALLOW);
  }

  @Test
  void aWholeDayRuleDoesNotCoverTheNextMorningOfAWrappingWindow() {
    Compilation c =
        compiler.compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: no-friday
          effect: deny
          purpose: {exact: [night]}
          time: {days: [fri]}
        - id: friday-night
          effect: allow
          purpose: {exact: [night]}
          time: {days: [fri], from: "22:00", until: "06:00"}
        """));
    // The allow still grants Saturday 00:00-06:00, so it is not shadowed; the reading is spelled
    // out instead.
    assertThat(c.warnings()).extracting(Finding::code).doesNotContain("shadowed-rule");
    assertThat(c.warnings())
        .extracting(Finding::code, Finding::ruleId, Finding::pointer, Finding::message)
        .containsExactly(
            tuple(
                "wrapping-window",
                "friday-night",
                "/rules/2/time",
                "time window 22:00-06:00 wraps midnight: the hours after midnight belong to the listed day before them"
                    + " (fri 22:00 runs until sat 06:00)"));
    assertThat(night(c.orThrow(), "2026-03-07T01:00:00+01:00")).isEqualTo(Effect.ALLOW);
    assertThat(night(c.orThrow(), "2026-03-06T23:00:00+01:00")).isEqualTo(Effect.DENY);
  }

  private static Effect night(CompiledPolicy policy, String at) {
    return policy
        .evaluate(
            PolicyDocs.request(
                RequesterKind.MEMBER, Set.of(), 50, "x", Set.of(), "night", 60_000, at))
        .effect();
  }

  @Test
  void conditionsSeeGroupListsInSortedOrder() {
    // Set.copyOf iterates in a per-JVM random order; a condition must not depend on it.
    CompiledPolicy policy =
        compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: ordered
          effect: allow
          purpose: {exact: [ordered]}
          condition: >-
            requester.groups == ["g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8"] &&
            target.groups == ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"] && requester.groups[0] == "g1"
        """));
    Set<String> groups = Set.of("g5", "g3", "g8", "g1", "g7", "g2", "g6", "g4");
    Set<String> targetGroups =
        new java.util.LinkedHashSet<>(List.of("t8", "t7", "t6", "t5", "t4", "t3", "t2", "t1"));
    PolicyDecision d =
        policy.evaluate(
            PolicyDocs.request(
                RequesterKind.MEMBER,
                groups,
                50,
                "x",
                targetGroups,
                "ordered",
                MINUTE,
                "2026-03-04T10:00:00+01:00"));
    assertThat(d.effect()).isEqualTo(Effect.ALLOW);
  }

  @Test
  void everyVariableAConditionMayReadHasAValue() {
    RequestFacts facts =
        new RequestFacts(
            PolicyDocs.memberChat("chat", MINUTE), java.time.ZoneId.of("Europe/Berlin").getRules());
    for (String name : CelConditions.VARIABLES) {
      assertThat(facts.variable(name)).as(name).isPresent();
    }
    assertThat(facts.variable("requester.secret")).isEmpty();
    CompiledPolicy policy =
        compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: all-variables
          effect: allow
          purpose: {exact: [all]}
          condition: >-
            requester.peer_id == "%s" && purpose == "all" && time.minute == 15 &&
            requester.reputation == 50 && target.groups.size() == 0 && requester.groups.size() == 0
        """
                    .formatted(PolicyDocs.ALICE)));
    assertThat(
            policy
                .evaluate(
                    PolicyDocs.request(
                        RequesterKind.MEMBER,
                        Set.of(),
                        50,
                        "x",
                        Set.of(),
                        "all",
                        MINUTE,
                        "2026-03-04T10:15:00+01:00"))
                .effect())
        .isEqualTo(Effect.ALLOW);
  }

  @Test
  void requestedTtlBoundsAndPurposePrefixesMatch() {
    CompiledPolicy policy =
        compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: short-support
          effect: allow
          purpose: {prefixes: [support.]}
          requested_ttl: {at_least: 1m, at_most: 1h}
        """));
    assertThat(policy.evaluate(PolicyDocs.memberChat("support.ticket", 30 * MINUTE)).effect())
        .isEqualTo(Effect.ALLOW);
    assertThat(policy.evaluate(PolicyDocs.memberChat("support.ticket", 61 * MINUTE)).effect())
        .isEqualTo(Effect.DENY);
    assertThat(policy.evaluate(PolicyDocs.memberChat("support.ticket", 30_000)).effect())
        .isEqualTo(Effect.DENY);
    assertThat(policy.evaluate(PolicyDocs.memberChat("support", 30 * MINUTE)).effect())
        .isEqualTo(Effect.DENY);
  }

  @Test
  void celConditionsSeeTheRequestAndLocalTime() {
    CompiledPolicy policy =
        compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: cel
          effect: allow
          purpose: {exact: [cel]}
          condition: >-
            requester.kind == "member" && "engineering" in requester.groups &&
            time.weekday == "wed" && time.hour == 10 && requested_ttl_ms <= 3600000 &&
            target.service == "chat" && target.member.startsWith("BOB")
        """));
    String at = "2026-03-04T10:15:00+01:00";
    assertThat(
            policy
                .evaluate(
                    PolicyDocs.request(
                        RequesterKind.MEMBER,
                        Set.of("engineering"),
                        50,
                        "chat",
                        Set.of(),
                        "cel",
                        MINUTE,
                        at))
                .effect())
        .isEqualTo(Effect.ALLOW);
    assertThat(
            policy
                .evaluate(
                    PolicyDocs.request(
                        RequesterKind.MEMBER,
                        Set.of("finance"),
                        50,
                        "chat",
                        Set.of(),
                        "cel",
                        MINUTE,
                        at))
                .effect())
        .isEqualTo(Effect.DENY);
    assertThat(
            policy
                .evaluate(
                    PolicyDocs.request(
                        RequesterKind.MEMBER,
                        Set.of("engineering"),
                        50,
                        "chat",
                        Set.of(),
                        "cel",
                        MINUTE,
                        "2026-03-04T11:15:00+01:00"))
                .effect())
        .isEqualTo(Effect.DENY);
  }

  @Test
  void aConditionThatCannotBeEvaluatedDeniesFailClosed() {
    CompiledPolicy policy =
        compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: divides
          effect: allow
          purpose: {exact: [divide]}
          condition: 100 / (requester.reputation - 50) > 1
        """));
    PolicyDecision d =
        policy.evaluate(
            PolicyDocs.request(
                RequesterKind.MEMBER,
                Set.of(),
                50,
                "chat",
                Set.of(),
                "divide",
                MINUTE,
                "2026-03-04T10:00:00+01:00"));
    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).isEqualTo(PolicyDecision.Reason.EVALUATION_FAILED);
    assertThat(d.failure())
        .isEqualTo("condition of rule divides failed: evaluation error at <input>:4: / by zero");
  }

  @Test
  void declaredRateLimitsTravelWithTheAllow() {
    CompiledPolicy policy =
        compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: limited
          effect: allow
          purpose: {exact: [chat]}
          rate_limit: {requests: 5, per: 1m, key: requester_target}
        """));
    PolicyDecision d = policy.evaluate(PolicyDocs.memberChat("chat", MINUTE));
    assertThat(d.rateLimits())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.requests()).isEqualTo(5);
              assertThat(l.per().toMillis()).isEqualTo(MINUTE);
              assertThat(l.key()).isEqualTo("requester_target");
            });
  }

  @Test
  void decisionsAreDeterministicAndIndependentOfRuleOrderForTheEffect() {
    String a =
        PolicyDocs.small(
            "s",
            "8h",
            """
        - id: deny-x
          effect: deny
          purpose: {exact: [chat]}
          requester: {max_reputation: 60}
        """);
    CompiledPolicy policy = compile(a);
    PolicyRequest request =
        PolicyDocs.request(
            RequesterKind.MEMBER,
            Set.of(),
            55,
            "chat",
            Set.of(),
            "chat",
            MINUTE,
            "2026-03-04T10:00:00+01:00");
    List<String> first = policy.evaluate(request).matchedRuleIds();
    for (int i = 0; i < 100; i++) {
      assertThat(policy.evaluate(request).matchedRuleIds()).isEqualTo(first);
    }
    assertThat(first).containsExactly("members-chat", "deny-x");
    assertThat(policy.evaluate(request).effect()).isEqualTo(Effect.DENY);
  }

  @Test
  void theExampleOrganisationCompilesCleanlyWithAStableDigest() {
    Compilation compilation = compiler.compile(PolicyDocs.example());
    assertThat(compilation.findings()).isEmpty();
    CompiledPolicy policy = compilation.orThrow();
    assertThat(policy.document().rules()).hasSizeGreaterThanOrEqualTo(20);
    // Reformatting (here: the canonical JSON, which is YAML too) keeps the digest.
    assertThat(compiler.compile(policy.canonicalJson()).orThrow().digest())
        .isEqualTo(policy.digest());
    assertThat(policy.digest()).matches("[0-9a-f]{64}");
  }
}
