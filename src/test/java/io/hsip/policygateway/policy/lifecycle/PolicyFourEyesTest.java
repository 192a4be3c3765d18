package io.hsip.policygateway.policy.lifecycle;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.policy.FourEyesProfile;
import io.hsip.policygateway.policy.PolicyDocs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Four-eyes mode: publishing and rollback wait for a different admin; self-approval is refused. */
@QuarkusTest
@TestProfile(FourEyesProfile.class)
class PolicyFourEyesTest {

  private static final String API = "/api/v1/policies";

  private static RequestSpecification alice() {
    return given().auth().oauth2(TestTokens.admin());
  }

  private static RequestSpecification bob() {
    return given().auth().oauth2(TestTokens.bearer("bob.admin", Roles.ADMIN));
  }

  private static String submit(RequestSpecification who, String document) {
    String draft =
        who.contentType("application/yaml")
            .body(document.getBytes(StandardCharsets.UTF_8))
            .post(API + "/drafts")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    return who.header("If-Match", "\"1\"")
        .post(API + "/drafts/" + draft + "/publish")
        .then()
        .statusCode(202)
        .header("Location", startsWith("http"))
        .extract()
        .path("id");
  }

  @Test
  void publishingWaitsForASecondAdmin() {
    String set = PolicyDocs.uniqueSet();
    String approval = submit(alice(), PolicyDocs.small(set, "8h", ""));
    given()
        .auth()
        .oauth2(TestTokens.viewer())
        .get(API + "/approvals?limit=1000")
        .then()
        .statusCode(200)
        .body("approvals.id", hasItem(approval));
    given()
        .auth()
        .oauth2(TestTokens.viewer())
        .get(API + "/approvals/" + approval)
        .then()
        .statusCode(200)
        .body("status", equalTo("pending"))
        .body("kind", equalTo("publish"))
        .body("requested_by", equalTo("alice.admin"))
        .body("base_version", nullValue());
    // Nothing is published yet.
    given()
        .auth()
        .oauth2(TestTokens.viewer())
        .get(API + "/sets/" + set + "/versions")
        .then()
        .statusCode(404);

    alice()
        .post(API + "/approvals/" + approval + "/approve")
        .then()
        .statusCode(403)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("type", equalTo("https://hsip.io/problems/four-eyes"))
        .body(
            "detail",
            equalTo(
                "four-eyes mode: alice.admin requested this publication and cannot approve it;"
                    + " another admin must"));

    bob()
        .post(API + "/approvals/" + approval + "/approve")
        .then()
        .statusCode(201)
        .body("version", equalTo(1))
        .body("published_by", equalTo("alice.admin"))
        .body("approved_by", equalTo("bob.admin"));
    bob()
        .post(API + "/approvals/" + approval + "/approve")
        .then()
        .statusCode(409)
        .body(
            "detail",
            equalTo("approval request " + approval + " is already approved by bob.admin"));

    given()
        .auth()
        .oauth2(TestTokens.auditor())
        .get(API + "/events?policy_set=" + set)
        .then()
        .statusCode(200)
        .body(
            "action", org.hamcrest.Matchers.contains("draft.create", "publish.request", "approve"))
        .body("actor", org.hamcrest.Matchers.contains("alice.admin", "alice.admin", "bob.admin"))
        .body("[2].version", equalTo(1))
        .body("[2].details.requested_by", equalTo("alice.admin"));
  }

  @Test
  void anAdminWhoEditedTheDraftCannotApproveIt() {
    String set = PolicyDocs.uniqueSet();
    RequestSpecification carol =
        given().auth().oauth2(TestTokens.bearer("carol.admin", Roles.ADMIN));
    String draft =
        alice()
            .contentType("application/yaml")
            .body(PolicyDocs.small(set, "8h", "").getBytes(StandardCharsets.UTF_8))
            .post(API + "/drafts")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    // Bob edits Alice's draft, then Alice submits it: Bob approving would be approving his own
    // change.
    bob()
        .contentType("application/yaml")
        .header("If-Match", "\"1\"")
        .body(PolicyDocs.small(set, "2h", "").getBytes(StandardCharsets.UTF_8))
        .put(API + "/drafts/" + draft)
        .then()
        .statusCode(200);
    String approval =
        alice()
            .header("If-Match", "\"2\"")
            .post(API + "/drafts/" + draft + "/publish")
            .then()
            .statusCode(202)
            .extract()
            .path("id");
    given()
        .auth()
        .oauth2(TestTokens.viewer())
        .get(API + "/approvals/" + approval)
        .then()
        .statusCode(200)
        .body("authors", org.hamcrest.Matchers.contains("alice.admin", "bob.admin"));

    bob()
        .post(API + "/approvals/" + approval + "/approve")
        .then()
        .statusCode(403)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("type", equalTo("https://hsip.io/problems/four-eyes"))
        .body(
            "detail",
            equalTo(
                "four-eyes mode: bob.admin edited the draft of this publication and cannot approve it;"
                    + " an admin who did not write it must"));
    alice().post(API + "/approvals/" + approval + "/approve").then().statusCode(403);
    carol
        .post(API + "/approvals/" + approval + "/approve")
        .then()
        .statusCode(201)
        .body("published_by", equalTo("alice.admin"))
        .body("approved_by", equalTo("carol.admin"));
  }

  @Test
  void rejectionAndRollbackGoThroughTheSameGate() {
    String set = PolicyDocs.uniqueSet();
    bob()
        .post(API + "/approvals/" + submit(alice(), PolicyDocs.small(set, "8h", "")) + "/approve")
        .then()
        .statusCode(201);
    bob()
        .post(API + "/approvals/" + submit(alice(), PolicyDocs.small(set, "1h", "")) + "/approve")
        .then()
        .statusCode(201);

    String rejected = submit(alice(), PolicyDocs.small(set, "2h", ""));
    bob()
        .contentType(ContentType.JSON)
        .body("{\"reason\": \"2h is too long for chat\"}")
        .post(API + "/approvals/" + rejected + "/reject")
        .then()
        .statusCode(200)
        .body("status", equalTo("rejected"))
        .body("decided_by", equalTo("bob.admin"))
        .body("reason", equalTo("2h is too long for chat"));
    bob().post(API + "/approvals/" + rejected + "/approve").then().statusCode(409);

    String rollback =
        alice()
            .contentType(ContentType.JSON)
            .body("{\"to_version\": 1}")
            .post(API + "/sets/" + set + "/rollback")
            .then()
            .statusCode(202)
            .body("kind", equalTo("rollback"))
            .body("rollback_of", equalTo(1))
            .body("base_version", equalTo(2))
            .extract()
            .path("id");
    alice().post(API + "/approvals/" + rollback + "/approve").then().statusCode(403);
    bob()
        .post(API + "/approvals/" + rollback + "/approve")
        .then()
        .statusCode(201)
        .body("version", equalTo(3))
        .body("rolled_back_from", equalTo(1))
        .body("approved_by", equalTo("bob.admin"));
  }

  @Test
  void anApprovalOvertakenByAnotherPublicationIsAConflict() {
    String set = PolicyDocs.uniqueSet();
    String older = submit(alice(), PolicyDocs.small(set, "8h", ""));
    String newer = submit(bob(), PolicyDocs.small(set, "4h", ""));
    alice()
        .post(API + "/approvals/" + newer + "/approve")
        .then()
        .statusCode(201)
        .body("version", equalTo(1));
    bob()
        .post(API + "/approvals/" + older + "/approve")
        .then()
        .statusCode(409)
        .body(
            "detail",
            equalTo(
                "version 1 of "
                    + set
                    + " was published after this request, which was based on"
                    + " no version; reject it and submit again"));
    given()
        .auth()
        .oauth2(TestTokens.viewer())
        .get(API + "/approvals?limit=1000")
        .then()
        .statusCode(200)
        .body("approvals.id", hasItem(older))
        .body("approvals.id", not(hasItem(newer)));
  }
}
