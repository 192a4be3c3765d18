package io.hsip.policygateway.policy.lifecycle;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.policy.FourEyesProfile;
import io.hsip.policygateway.policy.PolicyDocs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Four-eyes compares who people are (the token's {@code sub}), not what they are called, and a
 * service account is never the second pair of eyes.
 */
@QuarkusTest
@TestProfile(FourEyesProfile.class)
class PolicyFourEyesIdentityTest {

  private static final String API = "/api/v1/policies";

  private static RequestSpecification as(String subject, String name) {
    return given().auth().oauth2(TestTokens.person(subject, name, Roles.ADMIN));
  }

  private static String submit(RequestSpecification who, String set) {
    String draft =
        who.contentType("application/yaml")
            .body(PolicyDocs.small(set, "8h", "").getBytes(StandardCharsets.UTF_8))
            .post(API + "/drafts")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    return who.header("If-Match", "\"1\"")
        .post(API + "/drafts/" + draft + "/publish")
        .then()
        .statusCode(202)
        .extract()
        .path("id");
  }

  @Test
  void aRenamedAdminStillCannotApproveTheirOwnPublication() {
    String alice = UUID.randomUUID().toString();
    String approval = submit(as(alice, "alice.admin"), PolicyDocs.uniqueSet());
    as(alice, "alice.renamed")
        .post(API + "/approvals/" + approval + "/approve")
        .then()
        .statusCode(403)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("type", equalTo("https://hsip.io/problems/four-eyes"))
        .body(
            "detail",
            equalTo(
                "four-eyes mode: alice.renamed requested this publication and cannot approve it;"
                    + " another admin must"));
  }

  @Test
  void aRenamedEditorStillCannotApproveWhatTheyWrote() {
    String set = PolicyDocs.uniqueSet();
    String bob = UUID.randomUUID().toString();
    RequestSpecification alice = as(UUID.randomUUID().toString(), "alice.admin");
    String draft =
        alice
            .contentType("application/yaml")
            .body(PolicyDocs.small(set, "8h", "").getBytes(StandardCharsets.UTF_8))
            .post(API + "/drafts")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    as(bob, "bob.admin")
        .contentType("application/yaml")
        .header("If-Match", "\"1\"")
        .body(PolicyDocs.small(set, "2h", "").getBytes(StandardCharsets.UTF_8))
        .put(API + "/drafts/" + draft)
        .then()
        .statusCode(200);
    String approval =
        alice
            .header("If-Match", "\"2\"")
            .post(API + "/drafts/" + draft + "/publish")
            .then()
            .statusCode(202)
            .extract()
            .path("id");
    as(bob, "robert.admin")
        .post(API + "/approvals/" + approval + "/approve")
        .then()
        .statusCode(403)
        .body("type", equalTo("https://hsip.io/problems/four-eyes"))
        .body(
            "detail",
            equalTo(
                "four-eyes mode: robert.admin edited the draft of this publication and cannot"
                    + " approve it; an admin who did not write it must"));
  }

  @Test
  void twoPeopleWhoShareANameAreTwoPeople() {
    String set = PolicyDocs.uniqueSet();
    String approval = submit(as(UUID.randomUUID().toString(), "sam.admin"), set);
    as(UUID.randomUUID().toString(), "sam.admin")
        .post(API + "/approvals/" + approval + "/approve")
        .then()
        .statusCode(201)
        .body("version", equalTo(1))
        .body("published_by", equalTo("sam.admin"))
        .body("approved_by", equalTo("sam.admin"));
  }

  @Test
  void aServiceAccountCannotApprove() {
    String approval =
        submit(as(UUID.randomUUID().toString(), "alice.admin"), PolicyDocs.uniqueSet());
    given()
        .auth()
        .oauth2(TestTokens.serviceAccount("gitops-pipeline", Roles.ADMIN))
        .post(API + "/approvals/" + approval + "/approve")
        .then()
        .statusCode(403)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("type", equalTo("https://hsip.io/problems/four-eyes"))
        .body(
            "detail",
            equalTo(
                "four-eyes mode: service-account-gitops-pipeline is a service account and cannot"
                    + " approve a publication; a person with the admin role must"));
  }

  @Test
  void aServiceAccountMaySubmitForAPersonToApprove() {
    String approval =
        submit(
            given().auth().oauth2(TestTokens.serviceAccount("gitops-pipeline", Roles.ADMIN)),
            PolicyDocs.uniqueSet());
    as(UUID.randomUUID().toString(), "alice.admin")
        .post(API + "/approvals/" + approval + "/approve")
        .then()
        .statusCode(201)
        .body("published_by", equalTo("service-account-gitops-pipeline"))
        .body("approved_by", equalTo("alice.admin"));
  }
}
