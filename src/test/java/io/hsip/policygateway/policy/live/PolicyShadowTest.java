package io.hsip.policygateway.policy.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.policy.PolicyDocs;
import io.hsip.policygateway.policy.ScaledPolicy;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.compile.PolicyLimits;
import io.hsip.policygateway.policy.lifecycle.Actor;
import io.hsip.policygateway.policy.lifecycle.PolicyAdminEvent;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.hsip.policygateway.policy.lifecycle.PolicyShadows;
import io.hsip.policygateway.policy.model.Effect;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.RequesterKind;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shadow mode on the real pipeline and PostgreSQL: a shadow that changes one rule of the live
 * policy leaves every live answer as it was, and the differences it records (summed from the
 * replica's counts in the database) are exactly those a brute-force comparison of the two versions
 * finds on the same traffic. Starting, reading, promoting and discarding go through the API, by
 * role, and leave admin events.
 */
@QuarkusTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PolicyShadowTest {

  private static final Actor ADMIN = Actor.person("alice.admin", "alice.admin");
  private static final String API = "/api/v1/policies";

  @Inject PolicyLifecycle lifecycle;
  @Inject PolicyShadows shadows;
  @Inject LivePolicy live;
  @Inject ShadowPolicy shadowPolicy;

  private void publishLive(String document) {
    lifecycle.importDocument(ADMIN, document.getBytes(StandardCharsets.UTF_8), true);
    String digest =
        lifecycle.validate(document.getBytes(StandardCharsets.UTF_8)).orThrow().digest();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (live.current().map(p -> !p.digest().equals(digest)).orElse(true)) {
      assertThat(System.nanoTime()).as("live within 10 s").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void aShadowChangesNoAnswerAndRecordsExactlyTheBruteForceDifferences() throws Exception {
    String set = live.policySet();
    String baseline = PolicyDocs.example(set);
    publishLive(baseline);
    // One rule changed: the reputation floor rises from 19 to 39.
    String candidate = baseline.replace("max_reputation: 19", "max_reputation: 39");
    assertThat(candidate).isNotEqualTo(baseline);
    UUID draft =
        lifecycle.createDraft(ADMIN, candidate.getBytes(StandardCharsets.UTF_8)).draft().id;
    PolicyShadows.Shadow started = shadows.start(ADMIN, draft);
    shadowPolicy.refresh();
    assertThat(shadowPolicy.current())
        .hasValueSatisfying(s -> assertThat(s.shadowId()).isEqualTo(started.shadowId()));

    PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);
    CompiledPolicy livePolicy = compiler.compile(baseline).orThrow();
    CompiledPolicy shadowPolicyDirect = compiler.compile(candidate).orThrow();
    Map<String, Long> expected = new TreeMap<>();
    for (String change : List.of("allow_to_deny", "deny_to_allow", "ttl_longer", "ttl_shorter")) {
      expected.put(change, 0L);
    }
    // The example organisation's own traffic mix, plus colleagues chatting at every reputation.
    List<PolicyRequest> traffic = new java.util.ArrayList<>(ScaledPolicy.requests(3000));
    for (int i = 0; i < 2000; i++) {
      traffic.add(
          PolicyDocs.request(
              RequesterKind.MEMBER,
              java.util.Set.of(),
              i % 100,
              "chat",
              java.util.Set.of(),
              "chat",
              TimeUnit.MINUTES.toMillis(1 + i % 600),
              "2026-03-04T10:00:00+01:00"));
    }
    try {
      for (PolicyRequest request : traffic) {
        PolicyDecision answered = live.decide(request);
        PolicyDecision alone = livePolicy.evaluate(request);
        assertThat(answered.effect()).as("%s", request).isEqualTo(alone.effect());
        assertThat(answered.grantedTtlMs()).isEqualTo(alone.grantedTtlMs());
        assertThat(answered.matchedRuleIds()).isEqualTo(alone.matchedRuleIds());
        PolicyDecision other = shadowPolicyDirect.evaluate(request);
        String change = null;
        if (alone.effect() != other.effect()) {
          change = alone.effect() == Effect.ALLOW ? "allow_to_deny" : "deny_to_allow";
        } else if (alone.effect() == Effect.ALLOW && alone.grantedTtlMs() != other.grantedTtlMs()) {
          change = other.grantedTtlMs() < alone.grantedTtlMs() ? "ttl_shorter" : "ttl_longer";
        }
        if (change != null) {
          expected.merge(change, 1L, Long::sum);
        }
      }
      shadowPolicy.flush();
      PolicyShadows.Report report = shadows.report(set);
      assertThat(report.totals()).isEqualTo(expected);
      assertThat(expected.get("allow_to_deny")).as("the change is exercised").isGreaterThan(100);
      assertThat(report.differences())
          .allSatisfy(d -> assertThat(d.shadowRules()).contains("deny-poor-reputation"));

      // Any role reads the report; only an admin ends the shadow.
      given()
          .auth()
          .oauth2(TestTokens.viewer())
          .get(API + "/sets/" + set + "/shadow")
          .then()
          .statusCode(200)
          .body("totals.allow_to_deny", equalTo(expected.get("allow_to_deny").intValue()))
          .body("shadow.shadow_id", equalTo(started.shadowId().toString()));
      given()
          .auth()
          .oauth2(TestTokens.viewer())
          .delete(API + "/sets/" + set + "/shadow")
          .then()
          .statusCode(403);
    } finally {
      given().auth().oauth2(TestTokens.admin()).delete(API + "/sets/" + set + "/shadow");
    }
    given()
        .auth()
        .oauth2(TestTokens.admin())
        .get(API + "/sets/" + set + "/shadow")
        .then()
        .statusCode(404)
        .contentType(startsWith(Problem.MEDIA_TYPE));
    shadowPolicy.refresh();
    assertThat(shadowPolicy.current()).isEmpty();
    assertThat(actions(set)).contains("shadow.start", "shadow.discard");
  }

  @Test
  void anAdminPromotesAShadowThroughTheApiAndItIsPublished() {
    String set = PolicyDocs.uniqueSet();
    String draft =
        given()
            .auth()
            .oauth2(TestTokens.admin())
            .contentType("application/yaml")
            .body(PolicyDocs.small(set, "2h", "").getBytes(StandardCharsets.UTF_8))
            .post(API + "/drafts")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    given()
        .auth()
        .oauth2(TestTokens.viewer())
        .post(API + "/drafts/" + draft + "/shadow")
        .then()
        .statusCode(403);
    given()
        .auth()
        .oauth2(TestTokens.admin())
        .post(API + "/drafts/" + draft + "/shadow")
        .then()
        .statusCode(201)
        .body("policy_set", equalTo(set))
        .body("rule_count", equalTo(1));
    given()
        .auth()
        .oauth2(TestTokens.admin())
        .post(API + "/sets/" + set + "/shadow/promote")
        .then()
        .statusCode(201)
        .body("version", equalTo(1));
    given()
        .auth()
        .oauth2(TestTokens.admin())
        .get(API + "/sets/" + set + "/shadow")
        .then()
        .statusCode(404);
    assertThat(actions(set)).containsSubsequence("shadow.start", "publish", "shadow.promote");
  }

  private static List<String> actions(String set) {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                PolicyAdminEvent.<PolicyAdminEvent>find("policySet = ?1 order by id", set)
                    .list()
                    .stream()
                    .map(e -> e.action)
                    .toList());
  }
}
