package io.hsip.policygateway.policy.live;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.hsip.policygateway.policy.PolicyDocs;
import io.hsip.policygateway.policy.lifecycle.Actor;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The readiness check "live policy": ready while the live set has no version (every replica denies
 * alike, and the console must stay reachable to publish one), not ready once a version is published
 * that this replica has not loaded (here: hot reload switched off).
 */
@QuarkusTest
@TestProfile(LivePolicyReadinessTest.NotReloading.class)
class LivePolicyReadinessTest {

  /** A live set of its own, and no hot reload: what is published is never loaded here. */
  public static final class NotReloading implements QuarkusTestProfile {
    static final String SET = "ready-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("policy.live-set", SET, "policy.reload.enabled", "false");
    }
  }

  @Inject PolicyLifecycle lifecycle;

  @Test
  void readyWithNoVersionNotReadyWithAPublishedVersionItHasNotLoaded() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'live policy' }.status", equalTo("UP"))
        .body(
            "checks.find { it.name == 'live policy' }.data.version",
            equalTo("none published: every request is denied (no_policy)"));

    Actor admin = Actor.person("readiness-admin", "readiness-admin");
    var draft =
        lifecycle.createDraft(
            admin, PolicyDocs.example(NotReloading.SET).getBytes(StandardCharsets.UTF_8));
    lifecycle.publishDraft(admin, draft.draft().id, null);

    given()
        .get("/q/health/ready")
        .then()
        .statusCode(503)
        .body("checks.name", hasItem("live policy"))
        .body("checks.find { it.name == 'live policy' }.status", equalTo("DOWN"))
        .body(
            "checks.find { it.name == 'live policy' }.data.reason",
            equalTo("version 1 is published but not loaded here"));
  }
}
