package io.hsip.policygateway;

import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.policy.FourEyesProfile;
import io.hsip.policygateway.policy.PolicyDocs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The approval bodies only four-eyes mode produces (202 on publish, import and rollback; approve
 * and reject) match the published contract. {@link OpenApiContractTest} reaches the same operations
 * without four-eyes.
 */
@QuarkusTest
@TestProfile(FourEyesProfile.class)
class OpenApiContractFourEyesTest {

  private static final String POLICIES = "/api/v1/policies";
  private static final String YAML = "application/yaml";

  private static RequestSpecification alice() {
    return OpenApiContract.checked(TestTokens.admin());
  }

  private static RequestSpecification bob() {
    return OpenApiContract.checked(TestTokens.bearer("bob.admin", Roles.ADMIN));
  }

  @Test
  void approvalsMatchTheContract() {
    String set = PolicyDocs.uniqueSet();
    String draft =
        alice()
            .contentType(YAML)
            .body(yaml(PolicyDocs.small(set, "8h", "")))
            .post(POLICIES + "/drafts")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    String first =
        alice()
            .header("If-Match", "\"1\"")
            .post(POLICIES + "/drafts/" + draft + "/publish")
            .then()
            .statusCode(202)
            .extract()
            .path("id");
    alice().get(POLICIES + "/approvals").then().statusCode(200);
    String next =
        alice()
            .get(POLICIES + "/approvals?limit=1")
            .then()
            .statusCode(200)
            .extract()
            .path("next_after");
    if (next != null) {
      alice().get(POLICIES + "/approvals?limit=1&after=" + next).then().statusCode(200);
    }
    alice().get(POLICIES + "/approvals/" + first).then().statusCode(200);
    alice().post(POLICIES + "/approvals/" + first + "/approve").then().statusCode(403);
    bob().post(POLICIES + "/approvals/" + first + "/approve").then().statusCode(201);

    String second =
        alice()
            .contentType(YAML)
            .body(yaml(PolicyDocs.small(set, "2h", "")))
            .post(POLICIES + "/import?publish=true")
            .then()
            .statusCode(202)
            .extract()
            .path("id");
    bob().post(POLICIES + "/approvals/" + second + "/approve").then().statusCode(201);
    bob().post(POLICIES + "/approvals/" + second + "/approve").then().statusCode(409);

    String rejected =
        alice()
            .contentType(YAML)
            .body(yaml(PolicyDocs.small(set, "1h", "")))
            .post(POLICIES + "/import?publish=true")
            .then()
            .statusCode(202)
            .extract()
            .path("id");
    bob()
        .contentType("application/json")
        .body("{\"reason\": \"too short\"}")
        .post(POLICIES + "/approvals/" + rejected + "/reject")
        .then()
        .statusCode(200);
    bob().get(POLICIES + "/approvals?status=rejected").then().statusCode(200);

    alice()
        .contentType("application/json")
        .body("{\"to_version\": 1}")
        .post(POLICIES + "/sets/" + set + "/rollback")
        .then()
        .statusCode(202);
  }

  private static byte[] yaml(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
