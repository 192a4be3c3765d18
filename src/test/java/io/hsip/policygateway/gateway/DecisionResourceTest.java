package io.hsip.policygateway.gateway;

import static io.hsip.policygateway.gateway.DecisionFixture.ALICE;
import static io.hsip.policygateway.gateway.DecisionFixture.CONTRACTOR;
import static io.hsip.policygateway.gateway.DecisionFixture.onlyEntry;
import static io.hsip.policygateway.gateway.DecisionFixture.request;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsip.policygateway.TestDatabase;
import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.cli.HsipCli;
import io.hsip.policygateway.directory.DirectoryAdmin;
import io.hsip.policygateway.gateway.receipt.DecisionReceipts;
import io.hsip.policygateway.gateway.receipt.ReceiptException;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.identity.GatewayIdentity;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.hsip.policygateway.policy.live.LivePolicy;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/decisions} on the running service and the real PostgreSQL: role and binding
 * checks, malformed bodies as problems, decisions with their one audit entry, receipts that verify
 * offline (and tampered ones that do not), and the fail-closed answer when the audit log refuses
 * writes.
 */
@QuarkusTest
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DecisionResourceTest {

  private static final String API = "/api/v1/decisions";
  private static final String DAEMON_SUBJECT = "daemon-desk-" + System.nanoTime();

  /** The member identity the daemon speaks for. */
  private static final SigningKey DESK = SigningKey.generate(DecisionFixture.RANDOM);

  @Inject PolicyLifecycle lifecycle;
  @Inject LivePolicy live;
  @Inject DirectoryAdmin admin;
  @Inject GatewayIdentity identity;

  @TempDir Path dir;

  @BeforeEach
  void setUp() {
    DecisionDirectory directory = new DecisionDirectory(admin).groups("engineering", "contractors");
    directory.member(ALICE.peerId().value(), "Alice", Set.of("engineering"), null);
    directory.member(CONTRACTOR.peerId().value(), "Carl", Set.of("contractors"), null);
    directory.member(DESK.peerId().value(), "Desk", Set.of("engineering"), DAEMON_SUBJECT);
    DecisionFixture.publishPolicy(lifecycle, live);
  }

  private static String body(ConsentRequest request) {
    return "{\"request\": " + request.toJson() + "}";
  }

  private static ValidatableResponse post(String token, String body) {
    return given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(body)
        .when()
        .post(API)
        .then();
  }

  private static String daemon() {
    return TestTokens.bearer(DAEMON_SUBJECT, Roles.DAEMON);
  }

  @Test
  void anonymousIs401() {
    given()
        .contentType("application/json")
        .body(body(request(ALICE, "chat", 600_000)))
        .when()
        .post(API)
        .then()
        .statusCode(401);
  }

  @Test
  void adminIs403() {
    post(TestTokens.admin(), body(request(ALICE, "chat", 600_000))).statusCode(403);
  }

  @Test
  void unboundDaemonIs403() {
    post(
            TestTokens.bearer("nobody-" + System.nanoTime(), Roles.DAEMON),
            body(request(ALICE, "chat", 600_000)))
        .statusCode(403)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("type", equalTo("https://hsip.io/problems/daemon-not-bound"));
  }

  @Test
  void aRequestForAnotherIdentityIs403() {
    ConsentRequest request = request(ALICE, "chat", 600_000);
    String body =
        "{\"request\": "
            + request.toJson()
            + ", \"target_peer_id\": \""
            + ALICE.peerId().value()
            + "\"}";
    post(daemon(), body)
        .statusCode(403)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("type", equalTo("https://hsip.io/problems/not-your-identity"));
    // Refused before deciding: nothing audited.
    assertThat(DecisionFixture.entries(request)).isEmpty();
  }

  @Test
  void malformedBodiesAre400Problems() {
    ConsentRequest request = request(ALICE, "chat", 600_000);
    for (String body :
        new String[] {
          "{\"request\": 42}",
          "{}",
          "{\"request\": " + request.toJson().replace("\"version\":1", "\"version\":2") + "}",
          "{\"request\": "
              + request.toJson().replace("\"purpose\":\"chat\"", "\"purpose\":\"a|b\"")
              + "}",
          "not json",
        }) {
      post(daemon(), body).statusCode(400).contentType(startsWith(Problem.MEDIA_TYPE));
    }
  }

  @Test
  void aBoundDaemonGetsAnAllowWithAVerifiableReceipt() throws Exception {
    ConsentRequest request = request(ALICE, "chat", 600_000);
    String answer =
        post(daemon(), body(request))
            .statusCode(200)
            .body("effect", equalTo("allow"))
            .body("reason", equalTo("allowed"))
            .body("policy.set", equalTo("acme"))
            .body("policy.digest", equalTo(live.current().orElseThrow().digest()))
            .extract()
            .asString();
    JsonNode json = ObjectMappers.standard().readTree(answer);
    assertThat(json.get("ttl_ms").asLong()).isBetween(590_000L, 600_000L);
    DecisionFixture.Entry entry = onlyEntry(request);
    assertThat(entry.outcome()).isEqualTo("allow");
    assertThat(json.get("audit_seq").asLong()).isEqualTo(entry.seq());

    Ed25519PublicKey gateway = identity.publicKey().orElseThrow();
    JsonNode payload = DecisionReceipts.verify(json.get("receipt"), gateway);
    assertThat(payload.get("effect").asText()).isEqualTo("allow");
    assertThat(payload.get("requester_peer_id").asText()).isEqualTo(ALICE.peerId().value());
    assertThat(payload.get("target_peer_id").asText()).isEqualTo(DESK.peerId().value());
    assertThat(payload.get("audit_seq").asLong()).isEqualTo(entry.seq());
    assertThat(payload.get("request_hash").asText()).isEqualTo(DecisionFixture.auditHash(request));

    // Offline, as a third party would: the CLI with the pinned gateway key.
    Path file = dir.resolve("receipt.json");
    Files.writeString(file, json.get("receipt").toString());
    assertThat(
            cli("decision", "verify", "--receipt", file.toString(), "--gateway-pub", gateway.hex()))
        .isZero();
    // The whole API answer is accepted too.
    Files.writeString(file, answer);
    assertThat(
            cli("decision", "verify", "--receipt", file.toString(), "--gateway-pub", gateway.hex()))
        .isZero();

    // Tampered: the effect changed, or the TTL, or signed by another key.
    ObjectNode tampered = json.get("receipt").deepCopy();
    ((ObjectNode) tampered.get("payload")).put("ttl_ms", 86_400_000L);
    assertThatThrownBy(() -> DecisionReceipts.verify(tampered, gateway))
        .isInstanceOf(ReceiptException.class)
        .hasMessageContaining("does not verify");
    Files.writeString(file, tampered.toString());
    assertThat(
            cli("decision", "verify", "--receipt", file.toString(), "--gateway-pub", gateway.hex()))
        .isEqualTo(1);
    Ed25519PublicKey stranger = SigningKey.generate(DecisionFixture.RANDOM).publicKey();
    Files.writeString(file, json.get("receipt").toString());
    assertThat(
            cli(
                "decision",
                "verify",
                "--receipt",
                file.toString(),
                "--gateway-pub",
                stranger.hex()))
        .isEqualTo(1);
  }

  @Test
  void aDenyIs200WithTtlZeroAndOneEntry() {
    ConsentRequest request = request(CONTRACTOR, "chat", 600_000);
    post(daemon(), body(request))
        .statusCode(200)
        .body("effect", equalTo("deny"))
        .body("ttl_ms", equalTo(0))
        .body("reason", equalTo("policy_deny"));
    assertThat(onlyEntry(request).reason()).isEqualTo("policy_deny");
  }

  @Test
  void aReplayThroughTheApiIsRefused() {
    ConsentRequest request = request(ALICE, "chat", 600_000);
    post(daemon(), body(request)).statusCode(200).body("reason", equalTo("allowed"));
    post(daemon(), body(request)).statusCode(200).body("reason", equalTo("replayed"));
    assertThat(DecisionFixture.entries(request))
        .extracting(DecisionFixture.Entry::reason)
        .containsExactly("allowed", "replayed");
  }

  @Test
  void withoutTheAuditLogTheAnswerIsDenyAuditUnavailableAndCounted() {
    double before = counted("audit_unavailable");
    ConsentRequest request = request(ALICE, "chat", 600_000);
    TestDatabase.asOwner("REVOKE INSERT ON audit_entry FROM " + TestDatabase.runtimeRole());
    try {
      post(daemon(), body(request))
          .statusCode(200)
          .body("effect", equalTo("deny"))
          .body("ttl_ms", equalTo(0))
          .body("reason", equalTo("audit_unavailable"))
          .body("audit_seq", equalTo(null));
    } finally {
      TestDatabase.asOwner("GRANT INSERT ON audit_entry TO " + TestDatabase.runtimeRole());
    }
    // Nothing could be recorded, and the nonce was not spent with it: the request can be decided.
    assertThat(DecisionFixture.entries(request)).isEmpty();
    assertThat(counted("audit_unavailable")).isEqualTo(before + 1);
    post(daemon(), body(request)).statusCode(200).body("reason", equalTo("allowed"));
    assertThat(onlyEntry(request).reason()).isEqualTo("allowed");
  }

  private static double counted(String reason) {
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    String prefix = "hsip_decisions_total{";
    for (String line : metrics.split("\n")) {
      if (line.startsWith(prefix)
          && line.contains("front_door=\"api\"")
          && line.contains("reason=\"" + reason + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no hsip_decisions_total series for " + reason);
  }

  private static int cli(String... args) {
    StringWriter out = new StringWriter();
    return HsipCli.run(
        Clock.systemUTC(),
        new PrintWriter(out, true),
        new PrintWriter(new StringWriter(), true),
        args);
  }
}
