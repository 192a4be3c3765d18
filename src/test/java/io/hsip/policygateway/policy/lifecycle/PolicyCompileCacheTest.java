package io.hsip.policygateway.policy.lifecycle;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.policy.PolicyDocs;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.live.LivePolicy;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Compiled documents are kept by content digest: the same bytes validated, saved and simulated
 * compile once, published versions compile once for any number of diffs and simulations, and the
 * live version is never compiled for them at all. Compilations are counted by the service's own
 * compiler ({@link PolicyCompiler#compilations()}), the one every request uses.
 */
@QuarkusTest
class PolicyCompileCacheTest {

  private static final String API = "/api/v1/policies";
  private static final String YAML = "application/yaml";
  private static final String SIMULATION =
      """
      {"requester": {"peer_id": "ALICE222222222222222222222", "kind": "member", "groups": [], "reputation": 80},
       "target": {"member": "BOB22222222222222222222222", "service": "chat"},
       "purpose": "chat", "requested_ttl_ms": 10800000, "at": "2026-03-04T10:00:00+01:00"}""";

  @Inject PolicyCompiler compiler;
  @Inject LivePolicy live;

  private static RequestSpecification admin() {
    return given().auth().oauth2(TestTokens.admin());
  }

  private static RequestSpecification viewer() {
    return given().auth().oauth2(TestTokens.viewer());
  }

  private static byte[] yaml(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private void simulateDraft(String id) {
    viewer()
        .contentType("application/json")
        .body(SIMULATION)
        .post(API + "/drafts/" + id + "/simulate")
        .then()
        .statusCode(200)
        .body("effect", equalTo("allow"));
  }

  @Test
  void theSecondSimulationOfAnUnchangedDraftDoesNotCompileAgain() {
    String document = PolicyDocs.small(PolicyDocs.uniqueSet(), "2h", "");
    long start = compiler.compilations();
    String id =
        admin()
            .contentType(YAML)
            .body(yaml(document))
            .post(API + "/drafts")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    simulateDraft(id);
    long afterFirst = compiler.compilations();
    assertThat(afterFirst - start).as("compilations to save and simulate a draft").isEqualTo(1);

    simulateDraft(id);
    simulateDraft(id);
    assertThat(compiler.compilations())
        .as("compilations after two more simulations")
        .isEqualTo(afterFirst);

    // Validating the same bytes again is answered from the cache too; other bytes compile.
    viewer().contentType(YAML).body(yaml(document)).post(API + "/validate").then().statusCode(200);
    assertThat(compiler.compilations()).isEqualTo(afterFirst);
    viewer()
        .contentType(YAML)
        .body(yaml(document + "# a comment changes the bytes\n"))
        .post(API + "/validate")
        .then()
        .statusCode(200);
    assertThat(compiler.compilations()).isEqualTo(afterFirst + 1);

    // An edited draft is other bytes: compiled once, then kept.
    admin()
        .header("If-Match", "\"1\"")
        .contentType(YAML)
        .body(yaml(document.replace("ttl_cap: 2h", "ttl_cap: 1h")))
        .put(API + "/drafts/" + id)
        .then()
        .statusCode(200);
    long afterEdit = compiler.compilations();
    assertThat(afterEdit).isEqualTo(afterFirst + 2);
    simulateDraft(id);
    assertThat(compiler.compilations()).isEqualTo(afterEdit);
  }

  @Test
  void diffsAndSimulationsOfPublishedVersionsCompileEachVersionOnce() {
    String set = PolicyDocs.uniqueSet();
    for (String cap : new String[] {"1h", "2h", "3h"}) {
      admin()
          .contentType(YAML)
          .body(yaml(PolicyDocs.small(set, cap, "")))
          .post(API + "/import?publish=true")
          .then()
          .statusCode(201);
    }
    long start = compiler.compilations();
    for (int round = 0; round < 3; round++) {
      viewer().get(API + "/sets/" + set + "/diff?from=1&to=2").then().statusCode(200);
      viewer().get(API + "/sets/" + set + "/diff?from=2&to=3").then().statusCode(200);
      for (int version = 1; version <= 3; version++) {
        viewer()
            .contentType("application/json")
            .body(SIMULATION)
            .post(API + "/sets/" + set + "/versions/" + version + "/simulate")
            .then()
            .statusCode(200)
            .body("version", equalTo(version));
      }
    }
    assertThat(compiler.compilations() - start)
        .as("compilations for 3 versions")
        .isLessThanOrEqualTo(3);
  }

  @Test
  void theLiveVersionIsNeverCompiledForADiffOrASimulation() throws InterruptedException {
    String set = live.policySet();
    admin()
        .contentType(YAML)
        .body(yaml(PolicyDocs.example(set)))
        .post(API + "/import?publish=true")
        .then()
        .statusCode(anyOf(equalTo(200), equalTo(201)));
    int version =
        viewer()
            .get(API + "/sets/" + set + "/versions?limit=1")
            .then()
            .statusCode(200)
            .extract()
            .path("versions[0].version");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (live.current().map(CompiledPolicy::version).orElse(0) != version
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(live.current().orElseThrow().version()).isEqualTo(version);
    long start = compiler.compilations();
    for (int round = 0; round < 5; round++) {
      viewer()
          .contentType("application/json")
          .body(SIMULATION)
          .post(API + "/sets/" + set + "/versions/" + version + "/simulate")
          .then()
          .statusCode(200)
          .body("version", equalTo(version));
      viewer()
          .get(API + "/sets/" + set + "/diff?from=" + version + "&to=" + version)
          .then()
          .statusCode(200);
    }
    assertThat(compiler.compilations()).isEqualTo(start);
  }

  @Test
  void aDocumentTooCostlyToCompileIsA422Problem() {
    StringBuilder rules = new StringBuilder();
    for (int i = 0; i < 4999; i++) {
      rules.append("- {id: r").append(i).append(", effect: allow}\n");
    }
    viewer()
        .contentType(YAML)
        .body(yaml(PolicyDocs.small("costly", "8h", rules.toString())))
        .post(API + "/validate")
        .then()
        .statusCode(422)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("type", equalTo("https://hsip.io/problems/policy-too-costly"))
        .body("title", equalTo("Policy document too costly to compile"))
        .body(
            "detail",
            startsWith("the document is too costly to compile: it used more than 2000 ms"));
  }
}
