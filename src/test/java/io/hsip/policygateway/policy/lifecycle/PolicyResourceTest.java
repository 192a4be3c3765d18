package io.hsip.policygateway.policy.lifecycle;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.policy.PolicyDocs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of /api/v1/policies with real bearer tokens: success, 400, 401, 403, 404, 409,
 * 412, 413, 415.
 */
@QuarkusTest
class PolicyResourceTest {

  private static final String API = "/api/v1/policies";
  private static final String YAML = "application/yaml";
  private static final String SIMULATION =
      """
      {"requester": {"peer_id": "ALICE222222222222222222222", "kind": "member", "groups": [], "reputation": 80},
       "target": {"member": "BOB22222222222222222222222", "service": "chat"},
       "purpose": "chat", "requested_ttl_ms": 10800000, "at": "2026-03-04T10:00:00+01:00"}""";

  private static RequestSpecification as(String token) {
    return given().auth().oauth2(token);
  }

  private static RequestSpecification admin() {
    return as(TestTokens.admin());
  }

  private static RequestSpecification viewer() {
    return as(TestTokens.viewer());
  }

  private static byte[] yaml(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static ValidatableResponse problem(ValidatableResponse response, int status) {
    return response
        .statusCode(status)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("status", equalTo(status));
  }

  private static String createDraft(String document) {
    return admin()
        .contentType(YAML)
        .body(yaml(document))
        .post(API + "/drafts")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  private static String publishNew(String set, String cap) {
    String id = createDraft(PolicyDocs.small(set, cap, ""));
    admin()
        .header("If-Match", "\"1\"")
        .post(API + "/drafts/" + id + "/publish")
        .then()
        .statusCode(201);
    return id;
  }

  // --- validate
  // -----------------------------------------------------------------------------------

  @Test
  void validateReturnsWarningsForAValidDocument() {
    viewer()
        .contentType(YAML)
        .body(
            yaml(
                PolicyDocs.small(
                    "s",
                    "8h",
                    """
        - id: shadowed
          effect: allow
          requester: {kind: external}
        - id: no-externals
          effect: deny
          requester: {kind: external}
        """)))
        .post(API + "/validate")
        .then()
        .statusCode(200)
        .body("valid", equalTo(true))
        .body("policy_set", equalTo("s"))
        .body("rule_count", equalTo(3))
        .body("digest", matchesPattern("[0-9a-f]{64}"))
        .body("warnings[0].code", equalTo("shadowed-rule"))
        .body("warnings[0].rule", equalTo("shadowed"))
        .body("warnings[0].line", equalTo(13));
  }

  @Test
  void validateRejectsABrokenDocumentWithPositionedViolations() {
    problem(
            viewer()
                .contentType(YAML)
                .body(
                    yaml(
                        PolicyDocs.small(
                            "s",
                            "8h",
                            """
        - id: broken
          effect: allow
          requester: {groups_any: [finanse]}
          condition: requester.reputation > "high"
        """)))
                .post(API + "/validate")
                .then(),
            400)
        .body("type", equalTo("https://hsip.io/problems/invalid-policy"))
        .body("title", equalTo("Invalid policy document"))
        .body(
            "detail",
            startsWith("The policy document has 2 error(s); the first at line 15, column 30:"))
        .body("violations", hasSize(2))
        .body("violations[0].field", equalTo("/rules/1/requester/groups_any/0"))
        .body("violations[0].code", equalTo("unknown-group"))
        .body("violations[0].line", equalTo(15))
        .body("violations[0].column", equalTo(30))
        .body("violations[0].rule", equalTo("broken"))
        .body("violations[1].code", equalTo("cel"))
        .body("violations[1].field", equalTo("/rules/1/condition"))
        .body("violations[1].line", equalTo(16))
        .body("violations[1].column", equalTo(37));
  }

  @Test
  void validateRejectsComplexMappingKeysAsAnInvalidPolicy() {
    for (String document : new String[] {"? [a, b]\n: x\n", "? {a: 1}\n: y\n", "~: x\n"}) {
      problem(viewer().contentType(YAML).body(yaml(document)).post(API + "/validate").then(), 400)
          .body("type", equalTo("https://hsip.io/problems/invalid-policy"))
          .body("violations[0].code", equalTo("yaml"))
          .body("violations[0].message", startsWith("invalid YAML: mapping keys must be strings"))
          .body("detail", org.hamcrest.Matchers.not(containsString("Exception")));
      problem(admin().contentType(YAML).body(yaml(document)).post(API + "/drafts").then(), 400)
          .body("type", equalTo("https://hsip.io/problems/invalid-policy"));
    }
  }

  @Test
  void validateRefusesOversizedDocumentsAndOtherMediaTypes() {
    // Over the policy limit (8 MiB) but under the HTTP one: the compiler's own finding answers.
    byte[] big = yaml("# " + "x".repeat(8 * 1024 * 1024) + "\n");
    problem(viewer().contentType(YAML).body(big).post(API + "/validate").then(), 413)
        .body("detail", equalTo("the document is " + big.length + " bytes; the limit is 8388608"));
    viewer()
        .contentType(ContentType.JSON)
        .body("{}")
        .post(API + "/validate")
        .then()
        .statusCode(415);
  }

  @Test
  void anonymousCallsAre401() {
    problem(given().get(API).then(), 401);
    problem(given().contentType(YAML).body(yaml("a: 1")).post(API + "/validate").then(), 401);
    problem(given().post(API + "/drafts/" + UUID.randomUUID() + "/publish").then(), 401);
  }

  // --- drafts
  // -------------------------------------------------------------------------------------

  @Test
  void draftCrudWithRevisions() {
    String set = PolicyDocs.uniqueSet();
    String id =
        admin()
            .contentType(YAML)
            .body(yaml(PolicyDocs.small(set, "8h", "")))
            .post(API + "/drafts")
            .then()
            .statusCode(201)
            .header("Location", containsString(API + "/drafts/"))
            .header("ETag", equalTo("\"1\""))
            .body("policy_set", equalTo(set))
            .body("revision", equalTo(1))
            .body("created_by", equalTo("alice.admin"))
            .body("warnings", empty())
            .body("document", containsString("policy_set: " + set))
            .extract()
            .path("id");

    viewer().get(API + "/drafts").then().statusCode(200).body("drafts.id", hasItem(id));
    as(TestTokens.auditor())
        .get(API + "/drafts/" + id)
        .then()
        .statusCode(200)
        .header("ETag", equalTo("\"1\""))
        .body("document", containsString(set));

    admin()
        .contentType(YAML)
        .header("If-Match", "\"1\"")
        .body(yaml(PolicyDocs.small(set, "4h", "")))
        .put(API + "/drafts/" + id)
        .then()
        .statusCode(200)
        .header("ETag", equalTo("\"2\""))
        .body("revision", equalTo(2));
    problem(
            admin()
                .contentType(YAML)
                .header("If-Match", "\"1\"")
                .body(yaml(PolicyDocs.small(set, "2h", "")))
                .put(API + "/drafts/" + id)
                .then(),
            412)
        .body("type", equalTo("https://hsip.io/problems/stale-draft"));
    // Without If-Match the update could overwrite a change made meanwhile: 428, and nothing
    // changes.
    problem(
            admin()
                .contentType(YAML)
                .body(yaml(PolicyDocs.small(set, "2h", "")))
                .put(API + "/drafts/" + id)
                .then(),
            428)
        .body("type", equalTo("https://hsip.io/problems/if-match-required"))
        .body("title", equalTo("If-Match required"))
        .body("detail", startsWith("updating a draft requires If-Match"));
    viewer().get(API + "/drafts/" + id).then().statusCode(200).body("revision", equalTo(2));
    problem(
        admin()
            .contentType(YAML)
            .header("If-Match", "yesterday")
            .body(yaml(PolicyDocs.small(set, "2h", "")))
            .put(API + "/drafts/" + id)
            .then(),
        400);
    problem(
            admin()
                .contentType(YAML)
                .header("If-Match", "\"2\"")
                .body(yaml("schema: nope"))
                .put(API + "/drafts/" + id)
                .then(),
            400)
        .body("violations.code", everyItem(equalTo("schema")));

    // Deleting needs the reviewed revision too: none is 428, an old one 412, and the draft stays.
    problem(admin().delete(API + "/drafts/" + id).then(), 428)
        .body("detail", startsWith("deleting a draft requires If-Match"));
    problem(admin().header("If-Match", "\"1\"").delete(API + "/drafts/" + id).then(), 412);
    viewer().get(API + "/drafts/" + id).then().statusCode(200).body("revision", equalTo(2));
    admin().header("If-Match", "\"2\"").delete(API + "/drafts/" + id).then().statusCode(204);
    problem(viewer().get(API + "/drafts/" + id).then(), 404)
        .body("detail", equalTo("there is no draft " + id));
    problem(admin().header("If-Match", "\"2\"").delete(API + "/drafts/" + id).then(), 404);
  }

  @Test
  void weakETagsNeverMatch() {
    // RFC 9110 13.1.1: If-Match compares strongly, so W/"1" matches no draft, not even revision 1.
    String set = PolicyDocs.uniqueSet();
    String id = createDraft(PolicyDocs.small(set, "8h", ""));
    problem(
            admin()
                .contentType(YAML)
                .header("If-Match", "W/\"1\"")
                .body(yaml(PolicyDocs.small(set, "4h", "")))
                .put(API + "/drafts/" + id)
                .then(),
            412)
        .body("type", equalTo("https://hsip.io/problems/weak-etag"))
        .body("title", equalTo("Weak ETag in If-Match"))
        .body(
            "detail",
            equalTo(
                "If-Match uses the strong comparison, so a weak ETag (W/\"...\") never matches;"
                    + " send the draft's ETag as it is, e.g. \"1\""));
    problem(admin().header("If-Match", "W/\"1\"").delete(API + "/drafts/" + id).then(), 412)
        .body("type", equalTo("https://hsip.io/problems/weak-etag"));
    problem(
            admin().header("If-Match", "W/\"1\"").post(API + "/drafts/" + id + "/publish").then(),
            412)
        .body("type", equalTo("https://hsip.io/problems/weak-etag"));
    viewer().get(API + "/drafts/" + id).then().statusCode(200).body("revision", equalTo(1));
  }

  @Test
  void writesNeedTheAdminRole() {
    String set = PolicyDocs.uniqueSet();
    problem(
        viewer()
            .contentType(YAML)
            .body(yaml(PolicyDocs.small(set, "8h", "")))
            .post(API + "/drafts")
            .then(),
        403);
    problem(
        as(TestTokens.auditor())
            .contentType(YAML)
            .body(yaml(PolicyDocs.small(set, "8h", "")))
            .post(API + "/import")
            .then(),
        403);
    String id = createDraft(PolicyDocs.small(set, "8h", ""));
    problem(
        viewer()
            .contentType(YAML)
            .body(yaml(PolicyDocs.small(set, "1h", "")))
            .put(API + "/drafts/" + id)
            .then(),
        403);
    problem(viewer().delete(API + "/drafts/" + id).then(), 403);
    problem(viewer().post(API + "/drafts/" + id + "/publish").then(), 403);
    problem(
        viewer()
            .contentType(ContentType.JSON)
            .body("{\"to_version\": 1}")
            .post(API + "/sets/" + set + "/rollback")
            .then(),
        403);
    problem(viewer().post(API + "/approvals/" + UUID.randomUUID() + "/approve").then(), 403);
    problem(
        viewer()
            .contentType(ContentType.JSON)
            .body("{\"reason\": \"no\"}")
            .post(API + "/approvals/" + UUID.randomUUID() + "/reject")
            .then(),
        403);
    problem(viewer().get(API + "/events").then(), 403);
  }

  // --- publish, versions, export, diff, rollback
  // --------------------------------------------------

  @Test
  void publishListExportDiffAndRollback() {
    String set = PolicyDocs.uniqueSet();
    String first = createDraft(PolicyDocs.small(set, "8h", ""));
    admin()
        .header("If-Match", "\"1\"")
        .post(API + "/drafts/" + first + "/publish")
        .then()
        .statusCode(201)
        .header("Location", containsString(API + "/sets/" + set + "/versions/1"))
        .body("version", equalTo(1))
        .body("published_by", equalTo("alice.admin"))
        .body("approved_by", nullValue());
    problem(admin().get(API + "/drafts/" + first).then(), 404);
    publishNew(set, "1h");

    // The same content again is a conflict, and leaves the draft in place.
    String again = createDraft(PolicyDocs.small(set, "1h", ""));
    problem(
            admin().header("If-Match", "\"1\"").post(API + "/drafts/" + again + "/publish").then(),
            409)
        .body(
            "detail",
            equalTo(
                "the document is identical to version 2 of "
                    + set
                    + ", which is in force; there is nothing to publish"));
    viewer().get(API + "/drafts/" + again).then().statusCode(200);

    viewer()
        .get(API)
        .then()
        .statusCode(200)
        .body("find { it.policy_set == '" + set + "' }.version", equalTo(2))
        .body("find { it.policy_set == '" + set + "' }.live", equalTo(false));
    viewer()
        .get(API + "/sets/" + set + "/versions")
        .then()
        .statusCode(200)
        .body("versions.version", org.hamcrest.Matchers.contains(2, 1))
        .body("versions.document", everyItem(nullValue()))
        .body("next_before", nullValue());
    String digest1 =
        viewer()
            .get(API + "/sets/" + set + "/versions/1")
            .then()
            .statusCode(200)
            .body("document", containsString("ttl_cap: 8h"))
            .extract()
            .path("digest");
    problem(viewer().get(API + "/sets/" + set + "/versions/7").then(), 404)
        .body("detail", equalTo("policy set " + set + " has no version 7"));
    problem(viewer().get(API + "/sets/no-such-set/versions").then(), 404);

    viewer()
        .get(API + "/sets/" + set + "/versions/1/export")
        .then()
        .statusCode(200)
        .contentType(startsWith(YAML))
        .header("X-Policy-Version", "1")
        .header("X-Policy-Digest", digest1)
        .body(equalTo(PolicyDocs.small(set, "8h", "")));
    as(TestTokens.auditor())
        .get(API + "/sets/" + set + "/export")
        .then()
        .statusCode(200)
        .header("X-Policy-Version", "2")
        .body(containsString("ttl_cap: 1h"));
    problem(viewer().get(API + "/sets/no-such-set/export").then(), 404);

    viewer()
        .get(API + "/sets/" + set + "/diff?from=1&to=2")
        .then()
        .statusCode(200)
        .body("changed[0].rule_id", equalTo("members-chat"))
        .body("changed[0].fields[0].pointer", equalTo("/ttl_cap"))
        .body("changed[0].fields[0].before", equalTo("8h"))
        .body("changed[0].fields[0].after", equalTo("1h"))
        .body("unchanged", equalTo(0));
    problem(viewer().get(API + "/sets/" + set + "/diff?from=1").then(), 400);
    problem(viewer().get(API + "/sets/" + set + "/diff?from=1&to=9").then(), 404);

    admin()
        .contentType(ContentType.JSON)
        .body("{\"to_version\": 1}")
        .post(API + "/sets/" + set + "/rollback")
        .then()
        .statusCode(201)
        .body("version", equalTo(3))
        .body("rolled_back_from", equalTo(1))
        .body("digest", equalTo(digest1));
    problem(
        admin()
            .contentType(ContentType.JSON)
            .body("{\"to_version\": 1}")
            .post(API + "/sets/" + set + "/rollback")
            .then(),
        409);
    problem(
        admin()
            .contentType(ContentType.JSON)
            .body("{\"to_version\": 0}")
            .post(API + "/sets/" + set + "/rollback")
            .then(),
        400);
    problem(
        admin()
            .contentType(ContentType.JSON)
            .body("{\"to_version\": 5}")
            .post(API + "/sets/" + set + "/rollback")
            .then(),
        404);
  }

  @Test
  void importIsIdempotentForGitOpsAndABrokenImportChangesNothing() {
    String set = PolicyDocs.uniqueSet();
    byte[] doc = yaml(PolicyDocs.example(set));
    admin()
        .contentType(YAML)
        .body(doc)
        .post(API + "/import")
        .then()
        .statusCode(201)
        .body("policy_set", equalTo(set))
        .body("revision", equalTo(1));
    admin()
        .contentType(YAML)
        .body(doc)
        .post(API + "/import?publish=true")
        .then()
        .statusCode(201)
        .body("version", equalTo(1))
        .body("rule_count", equalTo(24));
    admin()
        .contentType(YAML)
        .body(doc)
        .post(API + "/import?publish=true")
        .then()
        .statusCode(200)
        .body("version", equalTo(1));

    String broken =
        PolicyDocs.example(set).replace("groups_any: [hr]", "groups_any: [human-resources]");
    problem(
            admin().contentType(YAML).body(yaml(broken)).post(API + "/import?publish=true").then(),
            400)
        .body("violations[0].code", equalTo("unknown-group"))
        .body("violations[0].rule", equalTo("allow-hr-payroll"))
        .body("violations[0].line", equalTo(156));
    viewer()
        .get(API + "/sets/" + set + "/versions")
        .then()
        .statusCode(200)
        .body("versions.version", org.hamcrest.Matchers.contains(1));
  }

  // --- simulate
  // -----------------------------------------------------------------------------------

  @Test
  void simulateAnyVersionOrADraftWithTheExplanation() {
    String set = PolicyDocs.uniqueSet();
    publishNew(set, "8h");
    publishNew(set, "1h");
    viewer()
        .contentType(ContentType.JSON)
        .body(SIMULATION)
        .post(API + "/sets/" + set + "/versions/1/simulate")
        .then()
        .statusCode(200)
        .body("effect", equalTo("allow"))
        .body("granted_ttl_ms", equalTo(10_800_000))
        .body("matched_rules", org.hamcrest.Matchers.contains("members-chat"));
    as(TestTokens.auditor())
        .contentType(ContentType.JSON)
        .body(SIMULATION)
        .post(API + "/sets/" + set + "/versions/2/simulate")
        .then()
        .statusCode(200)
        .body("granted_ttl_ms", equalTo(3_600_000))
        .body("reason", equalTo("allowed"))
        .body("deciding_rules", org.hamcrest.Matchers.contains("members-chat"))
        .body("version", equalTo(2))
        .body("explanation", startsWith("ALLOW for 1h (requested 3h): capped by members-chat."));

    String draft = createDraft(PolicyDocs.small(set, "2h", ""));
    viewer()
        .contentType(ContentType.JSON)
        .body(SIMULATION)
        .post(API + "/drafts/" + draft + "/simulate")
        .then()
        .statusCode(200)
        .body("granted_ttl_ms", equalTo(7_200_000))
        .body("version", equalTo(0));

    problem(
            viewer()
                .contentType(ContentType.JSON)
                .body(SIMULATION.replace("ALICE222222222222222222222", "alice"))
                .post(API + "/sets/" + set + "/versions/1/simulate")
                .then(),
            400)
        .body("violations[0].field", equalTo("requester.peerId"));
    problem(
        viewer()
            .contentType(ContentType.JSON)
            .body("{\"purpose\": \"chat\"}")
            .post(API + "/sets/" + set + "/versions/1/simulate")
            .then(),
        400);
    problem(
        viewer()
            .contentType(ContentType.JSON)
            .body(SIMULATION)
            .post(API + "/sets/" + set + "/versions/9/simulate")
            .then(),
        404);
    problem(
        viewer()
            .contentType(ContentType.JSON)
            .body(SIMULATION)
            .post(API + "/drafts/" + UUID.randomUUID() + "/simulate")
            .then(),
        404);
  }

  // --- approvals (four-eyes off), events, live ---------------------------------------------------

  @Test
  void approvalsWithoutFourEyesAreEmptyAndUnknownOnesAre404() {
    viewer().get(API + "/approvals?status=approved").then().statusCode(200);
    problem(viewer().get(API + "/approvals?status=maybe").then(), 400);
    UUID unknown = UUID.randomUUID();
    problem(viewer().get(API + "/approvals/" + unknown).then(), 404)
        .body("detail", equalTo("there is no approval request " + unknown));
    problem(admin().post(API + "/approvals/" + unknown + "/approve").then(), 404);
    problem(
        admin()
            .contentType(ContentType.JSON)
            .body("{\"reason\": \"no\"}")
            .post(API + "/approvals/" + unknown + "/reject")
            .then(),
        404);
    problem(
        admin()
            .contentType(ContentType.JSON)
            .body("{\"reason\": \"\"}")
            .post(API + "/approvals/" + unknown + "/reject")
            .then(),
        400);
  }

  @Test
  void eventsAreAKeysetFeedForAdminsAndAuditors() {
    String set = PolicyDocs.uniqueSet();
    publishNew(set, "8h");
    as(TestTokens.auditor())
        .get(API + "/events?policy_set=" + set)
        .then()
        .statusCode(200)
        .body("action", org.hamcrest.Matchers.contains("draft.create", "publish"))
        .body("actor", everyItem(equalTo("alice.admin")))
        .body("[1].version", equalTo(1))
        .body("[1].details.rule_count", equalTo(1))
        .body("[1].details.draft_id", notNullValue());
    int first = admin().get(API + "/events?policy_set=" + set).then().extract().path("[0].id");
    admin()
        .get(API + "/events?policy_set=" + set + "&after=" + first)
        .then()
        .statusCode(200)
        .body("action", org.hamcrest.Matchers.contains("publish"))
        .body("[0].id", greaterThan(first));
    problem(admin().get(API + "/events?limit=0").then(), 400);
  }

  @Test
  void liveShowsWhatThisReplicaEnforces() {
    viewer().get(API + "/live").then().statusCode(200).body("policy_set", equalTo("acme"));
  }

  @Test
  void theContractIsInTheOpenApiDocument() {
    given()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body(
            "paths.'/api/v1/policies/drafts/{id}/publish'.post.summary",
            equalTo("Publish a draft as the next version"))
        .body("paths.'/api/v1/policies/sets/{set}/diff'.get", notNullValue())
        .body(
            "paths.'/api/v1/policies/approvals/{id}/approve'.post.responses.'403'", notNullValue());
  }

  @Test
  void publishingNeedsTheRevisionThatWasReviewed() {
    String set = PolicyDocs.uniqueSet();
    String id = createDraft(PolicyDocs.small(set, "8h", ""));
    problem(admin().post(API + "/drafts/" + id + "/publish").then(), 428)
        .body("type", equalTo("https://hsip.io/problems/if-match-required"))
        .body("detail", startsWith("publishing a draft requires If-Match"));
    admin()
        .contentType(YAML)
        .header("If-Match", "\"1\"")
        .body(yaml(PolicyDocs.small(set, "1h", "")))
        .put(API + "/drafts/" + id)
        .then()
        .statusCode(200);
    problem(
            admin().header("If-Match", "\"1\"").post(API + "/drafts/" + id + "/publish").then(),
            412)
        .body("type", equalTo("https://hsip.io/problems/stale-draft"));
    viewer().get(API + "/sets/" + set + "/versions").then().statusCode(404);
    admin()
        .header("If-Match", "\"2\"")
        .post(API + "/drafts/" + id + "/publish")
        .then()
        .statusCode(201);
    given()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body("paths.'/api/v1/policies/drafts/{id}/publish'.post.responses.'428'", notNullValue())
        .body("paths.'/api/v1/policies/drafts/{id}'.put.responses.'428'", notNullValue())
        .body(
            "paths.'/api/v1/policies/drafts/{id}'.put.parameters.find { it.name == 'If-Match' }.required",
            equalTo(true));
  }

  @Test
  void aSecondAdminTokenIsAnotherActor() {
    String set = PolicyDocs.uniqueSet();
    String id = createDraft(PolicyDocs.small(set, "8h", ""));
    as(TestTokens.bearer("bob.admin", Roles.ADMIN))
        .header("If-Match", "\"1\"")
        .post(API + "/drafts/" + id + "/publish")
        .then()
        .statusCode(201)
        .body("published_by", equalTo("bob.admin"));
  }
}
