package io.hsip.policygateway.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * Bearer tokens are verified for real (signature, issuer, expiry) and roles are enforced per
 * endpoint.
 */
@QuarkusTest
class BearerTokenSecurityTest {

  private static final String ADMIN_ONLY = "/api/test-only/roles/admin";

  @Test
  void anonymousIs401Problem() {
    given()
        .when()
        .get(ADMIN_ONLY)
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", startsWith("Bearer"))
        .contentType(startsWith("application/problem+json"))
        .body("title", equalTo("Unauthorized"));
  }

  @Test
  void wrongRoleIs403Problem() {
    given()
        .auth()
        .oauth2(TestTokens.viewer())
        .when()
        .get(ADMIN_ONLY)
        .then()
        .statusCode(403)
        .contentType(startsWith("application/problem+json"))
        .body("title", equalTo("Forbidden"));
  }

  @Test
  void rightRoleIs200WithTheUserName() {
    given()
        .auth()
        .oauth2(TestTokens.admin())
        .when()
        .get(ADMIN_ONLY)
        .then()
        .statusCode(200)
        .body(equalTo("alice.admin"));
    given()
        .auth()
        .oauth2(TestTokens.auditor())
        .when()
        .get("/api/test-only/roles/auditor")
        .then()
        .statusCode(200)
        .body(equalTo("audrey.auditor"));
  }

  @Test
  void expiredTokenIs401() {
    given()
        .auth()
        .oauth2(TestTokens.expired("alice.admin", Roles.ADMIN))
        .when()
        .get(ADMIN_ONLY)
        .then()
        .statusCode(401)
        .contentType(startsWith("application/problem+json"));
  }

  @Test
  void tokenFromAnUntrustedKeyIs401() {
    given()
        .auth()
        .oauth2(TestTokens.untrusted("mallory", Roles.ADMIN))
        .when()
        .get(ADMIN_ONLY)
        .then()
        .statusCode(401);
  }

  @Test
  void tokenForAnotherClientIs401() {
    given()
        .auth()
        .oauth2(TestTokens.wrongAudience("mallory", Roles.ADMIN))
        .when()
        .get(ADMIN_ONLY)
        .then()
        .statusCode(401);
  }

  @Test
  void tokenFromAnotherIssuerIs401() {
    given()
        .auth()
        .oauth2(TestTokens.wrongIssuer("mallory", Roles.ADMIN))
        .when()
        .get(ADMIN_ONLY)
        .then()
        .statusCode(401);
  }

  @Test
  void garbageTokenIs401() {
    given().auth().oauth2("not.a.jwt").when().get(ADMIN_ONLY).then().statusCode(401);
  }

  @Test
  void publicEndpointsNeedNoToken() {
    given().when().get("/api/v1/identity").then().statusCode(200);
    given().when().get("/q/health/ready").then().statusCode(200);
  }
}
