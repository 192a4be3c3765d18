package io.hsip.policygateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import io.hsip.policygateway.audit.AuditEntry;
import io.hsip.policygateway.audit.AuditIntegration;
import io.hsip.policygateway.audit.AuditLog;
import io.hsip.policygateway.directory.DirectoryAdmin;
import io.hsip.policygateway.directory.Member;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.policy.PolicyDocs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The published contract ({@code /q/openapi}) matches the wire: every endpoint of {@code /api/v1}
 * is called for real, and each request and response (problem documents included) is validated
 * against the document the service serves. The last test proves that no operation of the document
 * went unchecked, so a new endpoint needs a contract check here; the mismatch tests prove the
 * validator notices a field the document does not name.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiContractTest {

  private static final String AUDIT = "/api/v1/audit";
  private static final String POLICIES = "/api/v1/policies";
  private static final String DECISIONS = "/api/v1/decisions";
  private static final String YAML = "application/yaml";
  private static final String SIMULATION =
      """
      {"requester": {"peer_id": "%s", "kind": "member", "groups": ["finance"], "reputation": 80},
       "target": {"member": "%s", "service": "chat"},
       "purpose": "chat", "requested_ttl_ms": 3600000, "at": "2026-03-04T10:00:00+01:00"}"""
          .formatted(PolicyDocs.ALICE, PolicyDocs.BOB);

  @Inject AuditLog log;
  @Inject AuditIntegration integration;
  @Inject DirectoryAdmin directory;

  private static RequestSpecification as(String token) {
    // As a header, not auth().oauth2(): the validator reads the headers of the request
    // specification.
    return OpenApiContract.checked(token);
  }

  private static RequestSpecification admin() {
    return as(TestTokens.admin());
  }

  private static RequestSpecification auditor() {
    return as(TestTokens.auditor());
  }

  /** A call that breaks the contract on purpose (no token): only its response is checked. */
  private static RequestSpecification anonymous() {
    return given().filter(OpenApiContract.responseOnly());
  }

  /**
   * An admin's call that breaks the contract on purpose (a required header left out): only its
   * response is checked.
   */
  private static RequestSpecification adminBreakingTheRequest() {
    return given()
        .filter(OpenApiContract.responseOnly())
        .header("Authorization", "Bearer " + TestTokens.admin());
  }

  // --- identity
  // ---------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void identity() {
    given()
        .filter(OpenApiContract.requestAndResponse())
        .get("/api/v1/identity")
        .then()
        .statusCode(200);
  }

  // --- audit
  // ------------------------------------------------------------------------------------------

  @Test
  @Order(2)
  void audit() {
    Instant from = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(1);
    String subject = "AC3C3OQDGHS4Z6ZGMG4UWWSML3";
    log.append(AuditEntry.decision(subject, "allow").build());
    long seq =
        log.append(
            AuditEntry.adminChange("contract-" + UUID.randomUUID(), "policy.publish")
                .outcome("ok")
                .build());
    long size = integration.integrateNow().orElseThrow().treeSize();
    Instant to = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(1);

    auditor().get(AUDIT + "/entries?limit=2&kind=admin-change").then().statusCode(200);
    auditor().get(AUDIT + "/entries/" + seq).then().statusCode(200);
    auditor().get(AUDIT + "/entries/" + seq + "?tree_size=" + size).then().statusCode(200);
    auditor().get(AUDIT + "/checkpoints?limit=2").then().statusCode(200);
    auditor().get(AUDIT + "/checkpoints/latest").then().statusCode(200);
    auditor().get(AUDIT + "/checkpoints/" + size).then().statusCode(200);
    auditor().get(AUDIT + "/consistency?first=" + size + "&second=" + size).then().statusCode(200);
    auditor().get(AUDIT + "/public-key").then().statusCode(200);
    auditor().get(AUDIT + "/export?from=" + from + "&to=" + to).then().statusCode(200);
    auditor().get(AUDIT + "/export?from_size=0&to_size=" + size).then().statusCode(200);
    auditor().get(AUDIT + "/export?to_size=" + (size + 1)).then().statusCode(400);
    auditor().get(AUDIT + "/export.csv?from=" + from + "&to=" + to).then().statusCode(200);
    admin().delete(AUDIT + "/subjects/" + subject).then().statusCode(204);

    auditor().get(AUDIT + "/entries?kind=bogus").then().statusCode(400);
    auditor().get(AUDIT + "/checkpoints/0").then().statusCode(404);
    admin().delete(AUDIT + "/subjects/" + subject).then().statusCode(404);
    as(TestTokens.viewer()).get(AUDIT + "/entries").then().statusCode(403);
    anonymous().get(AUDIT + "/entries").then().statusCode(401);
  }

  // --- policies
  // ---------------------------------------------------------------------------------------

  @Test
  @Order(3)
  void policies() {
    String set = PolicyDocs.uniqueSet();
    admin().get(POLICIES).then().statusCode(200);
    admin().get(POLICIES + "/live").then().statusCode(200);
    admin()
        .contentType(YAML)
        .body(yaml(PolicyDocs.small(set, "8h", "")))
        .post(POLICIES + "/validate")
        .then()
        .statusCode(200);
    admin()
        .contentType(YAML)
        .body(yaml(PolicyDocs.small(set, "8 hours", "")))
        .post(POLICIES + "/validate")
        .then()
        .statusCode(400);
    StringBuilder overlapping = new StringBuilder();
    for (int i = 0; i < 4999; i++) {
      overlapping.append("- {id: r").append(i).append(", effect: allow}\n");
    }
    admin()
        .contentType(YAML)
        .body(yaml(PolicyDocs.small(set, "8h", overlapping.toString())))
        .post(POLICIES + "/validate")
        .then()
        .statusCode(422);

    String id =
        admin()
            .contentType(YAML)
            .body(yaml(PolicyDocs.small(set, "8h", "")))
            .post(POLICIES + "/drafts")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    admin().get(POLICIES + "/drafts").then().statusCode(200);
    String nextDrafts =
        admin()
            .get(POLICIES + "/drafts?limit=1")
            .then()
            .statusCode(200)
            .extract()
            .path("next_before");
    if (nextDrafts != null) {
      admin().get(POLICIES + "/drafts?limit=1&before=" + nextDrafts).then().statusCode(200);
    }
    admin().get(POLICIES + "/drafts?before=bogus").then().statusCode(400);
    admin().get(POLICIES + "/drafts?limit=0").then().statusCode(400);
    admin().get(POLICIES + "/drafts/" + id).then().statusCode(200);
    admin()
        .header("If-Match", "\"1\"")
        .contentType(YAML)
        .body(yaml(PolicyDocs.small(set, "4h", "")))
        .put(POLICIES + "/drafts/" + id)
        .then()
        .statusCode(200);
    admin()
        .contentType("application/json")
        .body(SIMULATION)
        .post(POLICIES + "/drafts/" + id + "/simulate")
        .then()
        .statusCode(200);
    admin()
        .contentType("application/json")
        .body("{\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-01-02T00:00:00Z\"}")
        .post(POLICIES + "/drafts/" + id + "/impact")
        .then()
        .statusCode(200);
    admin()
        .contentType("application/json")
        .body("{\"from\": \"2026-01-02T00:00:00Z\", \"to\": \"2026-01-01T00:00:00Z\"}")
        .post(POLICIES + "/drafts/" + id + "/impact")
        .then()
        .statusCode(400);
    admin()
        .header("If-Match", "\"1\"")
        .post(POLICIES + "/drafts/" + id + "/publish")
        .then()
        .statusCode(412);
    adminBreakingTheRequest().post(POLICIES + "/drafts/" + id + "/publish").then().statusCode(428);
    admin()
        .header("If-Match", "\"2\"")
        .post(POLICIES + "/drafts/" + id + "/publish")
        .then()
        .statusCode(201);

    String doomed =
        admin()
            .contentType(YAML)
            .body(yaml(PolicyDocs.small(set, "1h", "")))
            .post(POLICIES + "/import")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    admin()
        .header("If-Match", "\"1\"")
        .delete(POLICIES + "/drafts/" + doomed)
        .then()
        .statusCode(204);
    admin().get(POLICIES + "/drafts/" + doomed).then().statusCode(404);
    admin()
        .contentType(YAML)
        .body(yaml(PolicyDocs.small(set, "2h", "")))
        .post(POLICIES + "/import?publish=true")
        .then()
        .statusCode(201);
    admin()
        .contentType(YAML)
        .body(yaml(PolicyDocs.small(set, "2h", "")))
        .post(POLICIES + "/import?publish=true")
        .then()
        .statusCode(200);

    String versions = POLICIES + "/sets/" + set + "/versions";
    admin().get(POLICIES + "/sets/" + set + "/export").then().statusCode(200);
    admin().get(versions).then().statusCode(200);
    admin().get(versions + "?limit=1").then().statusCode(200);
    admin().get(versions + "?limit=1&before=2").then().statusCode(200);
    admin().get(versions + "?before=latest").then().statusCode(400);
    admin()
        .get(POLICIES + "/sets/no-such-set-" + UUID.randomUUID() + "/versions")
        .then()
        .statusCode(404);
    admin().get(versions + "/1").then().statusCode(200);
    admin().get(versions + "/1/export").then().statusCode(200);
    admin()
        .contentType("application/json")
        .body(SIMULATION)
        .post(versions + "/1/simulate")
        .then()
        .statusCode(200);
    admin().get(POLICIES + "/sets/" + set + "/diff?from=1&to=2").then().statusCode(200);
    admin()
        .contentType("application/json")
        .body("{\"to_version\": 1}")
        .post(POLICIES + "/sets/" + set + "/rollback")
        .then()
        .statusCode(201);
    admin()
        .contentType("application/json")
        .body("{\"to_version\": 3}")
        .post(POLICIES + "/sets/" + set + "/rollback")
        .then()
        .statusCode(409);
    admin().get(versions + "/99").then().statusCode(404);

    // Shadow mode: start, read, discard; start again and promote.
    String shadow = POLICIES + "/sets/" + set + "/shadow";
    String candidate =
        admin()
            .contentType(YAML)
            .body(yaml(PolicyDocs.small(set, "3h", "")))
            .post(POLICIES + "/drafts")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    admin().post(POLICIES + "/drafts/" + candidate + "/shadow").then().statusCode(201);
    admin().get(shadow).then().statusCode(200);
    admin().delete(shadow).then().statusCode(204);
    admin().get(shadow).then().statusCode(404);
    admin().delete(shadow).then().statusCode(404);
    admin().post(shadow + "/promote").then().statusCode(404);
    admin().post(POLICIES + "/drafts/" + UUID.randomUUID() + "/shadow").then().statusCode(404);
    admin().post(POLICIES + "/drafts/" + candidate + "/shadow").then().statusCode(201);
    admin().post(shadow + "/promote").then().statusCode(201);

    // Four-eyes is off in this profile: the approval endpoints answer with their problems.
    String approval = POLICIES + "/approvals/" + UUID.randomUUID();
    admin().get(POLICIES + "/approvals?status=approved").then().statusCode(200);
    admin().get(POLICIES + "/approvals?status=approved&limit=1").then().statusCode(200);
    admin().get(POLICIES + "/approvals?after=bogus").then().statusCode(400);
    admin().get(approval).then().statusCode(404);
    admin().post(approval + "/approve").then().statusCode(404);
    admin()
        .contentType("application/json")
        .body("{\"reason\": \"not now\"}")
        .post(approval + "/reject")
        .then()
        .statusCode(404);

    admin().get(POLICIES + "/events?limit=5&policy_set=" + set).then().statusCode(200);
    as(TestTokens.viewer())
        .contentType(YAML)
        .body(yaml("x: 1"))
        .post(POLICIES + "/drafts")
        .then()
        .statusCode(403);
    anonymous().get(POLICIES).then().statusCode(401);
  }

  // --- decisions
  // ----------------------------------------------------------------------------------------

  @Test
  @Order(5)
  void decisions() {
    SigningKey requester = SigningKey.generate(new SecureRandom());
    SigningKey desk = SigningKey.generate(new SecureRandom());
    String subject = "contract-daemon-" + UUID.randomUUID();
    directory.createMember(
        "contract", new Member(requester.peerId().value(), "Contract requester", Set.of(), null));
    directory.createMember(
        "contract", new Member(desk.peerId().value(), "Contract desk", Set.of(), subject));
    String daemon = TestTokens.bearer(subject, Roles.DAEMON);
    long now = System.currentTimeMillis();
    ConsentRequest request =
        ConsentRequest.sign(
            requester,
            ConsentRequest.contentId(new byte[] {1}),
            "chat",
            now + 600_000,
            now,
            new byte[ConsentRequest.NONCE_LENGTH]);
    as(daemon)
        .contentType("application/json")
        .body("{\"request\": " + request.toJson() + "}")
        .post(DECISIONS)
        .then()
        .statusCode(200);
    as(daemon)
        .contentType("application/json")
        .body("{\"request\": {\"version\": 1}}")
        .post(DECISIONS)
        .then()
        .statusCode(400);
    as(TestTokens.bearer("unbound-" + UUID.randomUUID(), Roles.DAEMON))
        .contentType("application/json")
        .body("{\"request\": " + request.toJson() + "}")
        .post(DECISIONS)
        .then()
        .statusCode(403);
  }

  // --- directory
  // --------------------------------------------------------------------------------------

  @Test
  @Order(4)
  void directory() {
    String dir = "/api/v1/directory";
    String group = "contract-" + UUID.randomUUID().toString().substring(0, 8);
    String service = group + "-svc";
    String member = "AC3C3OQDGHS4Z6ZGMG4UWWSML" + "A";
    String servicePeer = "BC3C3OQDGHS4Z6ZGMG4UWWSML" + "B";
    String json = "application/json";
    admin()
        .contentType(json)
        .body("{\"name\": \"" + group + "\", \"description\": \"contract\"}")
        .post(dir + "/groups")
        .then()
        .statusCode(201);
    admin().get(dir + "/groups?limit=1").then().statusCode(200);
    admin().get(dir + "/groups/" + group).then().statusCode(200);
    admin()
        .contentType(json)
        .header("If-Match", "\"1\"")
        .body("{\"name\": \"" + group + "\", \"description\": \"still contract\"}")
        .put(dir + "/groups/" + group)
        .then()
        .statusCode(200);
    admin()
        .contentType(json)
        .body(
            "{\"peer_id\": \""
                + member
                + "\", \"display_name\": \"Contract\", \"groups\": [\""
                + group
                + "\"]}")
        .post(dir + "/members")
        .then()
        .statusCode(201);
    admin().get(dir + "/members?limit=1&search=contract").then().statusCode(200);
    admin().get(dir + "/members/" + member).then().statusCode(200);
    admin()
        .contentType(json)
        .header("If-Match", "\"1\"")
        .body("{\"peer_id\": \"" + member + "\", \"display_name\": \"Contract 2\", \"groups\": []}")
        .put(dir + "/members/" + member)
        .then()
        .statusCode(200);
    admin()
        .contentType(json)
        .body("{\"name\": \"" + service + "\", \"peer_id\": \"" + servicePeer + "\"}")
        .post(dir + "/services")
        .then()
        .statusCode(201);
    admin().get(dir + "/services?limit=1").then().statusCode(200);
    admin().get(dir + "/services/" + service).then().statusCode(200);
    admin()
        .contentType(json)
        .header("If-Match", "\"1\"")
        .body(
            "{\"name\": \""
                + service
                + "\", \"peer_id\": \""
                + servicePeer
                + "\", \"key_file\": \"/etc/hsip/c.pem\"}")
        .put(dir + "/services/" + service)
        .then()
        .statusCode(200);
    admin().accept(YAML).get(dir + "/export").then().statusCode(200);
    admin().accept("text/csv").get(dir + "/export?format=csv").then().statusCode(200);
    admin()
        .contentType(YAML)
        .body(yaml("groups:\n  - name: " + group + "\n    description: imported\n"))
        .post(dir + "/import")
        .then()
        .statusCode(200);
    admin()
        .contentType(YAML)
        .body(yaml("groups:\n  - name: Not Valid\n"))
        .post(dir + "/import")
        .then()
        .statusCode(422);
    admin().header("If-Match", "*").delete(dir + "/members/" + member).then().statusCode(204);
    admin().header("If-Match", "*").delete(dir + "/services/" + service).then().statusCode(204);
    admin().header("If-Match", "*").delete(dir + "/groups/" + group).then().statusCode(204);
    admin().get(dir + "/groups/" + group).then().statusCode(404);
    as(TestTokens.viewer())
        .contentType(json)
        .body("{\"name\": \"nope\"}")
        .post(dir + "/groups")
        .then()
        .statusCode(403);
    anonymous().get(dir + "/members").then().statusCode(401);
  }

  // --- the contract test itself
  // -------------------------------------------------------------------------

  @Test
  @Order(Integer.MAX_VALUE)
  void everyOperationOfTheDocumentWasExercised() {
    Set<String> documented = new TreeSet<>();
    OpenApiContract.document()
        .getPaths()
        .forEach(
            (path, item) -> {
              if (path.startsWith("/api/")) {
                item.readOperationsMap()
                    .keySet()
                    .forEach(method -> documented.add(method + " " + path));
              }
            });
    assertThat(documented).hasSizeGreaterThan(30);
    assertThat(OpenApiContract.exercised())
        .as("operations with a contract check")
        .containsAll(documented);
  }

  @Test
  void aResponseFieldTheDocumentDoesNotNameIsReported() {
    String wire = given().get("/api/v1/identity").then().statusCode(200).extract().asString();
    assertThat(responseMessages("/api/v1/identity", wire)).isEmpty();

    String camelCase = wire.replace("\"peer_id\"", "\"peerId\"");
    assertThat(responseMessages("/api/v1/identity", camelCase))
        .anyMatch(m -> m.contains("peerId") && m.contains("not allowed"))
        .anyMatch(m -> m.contains("missing required properties") && m.contains("peer_id"));
  }

  @Test
  void aRequestFieldTheDocumentDoesNotNameIsReported() {
    String path = POLICIES + "/sets/acme/versions/1/simulate";
    assertThat(requestMessages(path, SIMULATION)).isEmpty();

    String camelCase =
        SIMULATION
            .replace("\"peer_id\"", "\"peerId\"")
            .replace("\"requested_ttl_ms\"", "\"requestedTtlMs\"");
    assertThat(requestMessages(path, camelCase))
        .anyMatch(m -> m.contains("peerId") && m.contains("not allowed"))
        .anyMatch(m -> m.contains("requestedTtlMs") && m.contains("not allowed"))
        .anyMatch(m -> m.contains("missing required properties") && m.contains("peer_id"))
        .anyMatch(m -> m.contains("missing required properties") && m.contains("requested_ttl_ms"));
  }

  private static List<String> responseMessages(String path, String body) {
    return messages(
        OpenApiContract.validator()
            .validateResponse(
                path,
                Request.Method.GET,
                SimpleResponse.Builder.ok()
                    .withContentType("application/json")
                    .withBody(body)
                    .build()));
  }

  private static List<String> requestMessages(String path, String body) {
    return messages(
        OpenApiContract.validator()
            .validateRequest(
                SimpleRequest.Builder.post(path)
                    .withHeader("Authorization", "Bearer " + TestTokens.viewer())
                    .withContentType("application/json")
                    .withBody(body)
                    .build()));
  }

  private static List<String> messages(ValidationReport report) {
    return report.getMessages().stream().map(ValidationReport.Message::getMessage).toList();
  }

  private static byte[] yaml(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
