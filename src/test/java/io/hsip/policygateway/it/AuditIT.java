package io.hsip.policygateway.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;

import io.hsip.policygateway.identity.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/** The packaged jar serves the auditor API with its role checks. */
@QuarkusIntegrationTest
@WithTestResource(TestIssuerConfig.class)
class AuditIT {

  @Test
  void packagedAuditApiChecksRoles() {
    given()
        .when()
        .get("/api/v1/audit/public-key")
        .then()
        .statusCode(401)
        .contentType(startsWith("application/problem+json"));
    given()
        .auth()
        .oauth2(TestTokens.viewer())
        .when()
        .get("/api/v1/audit/public-key")
        .then()
        .statusCode(403);
    given()
        .auth()
        .oauth2(TestTokens.auditor())
        .when()
        .get("/api/v1/audit/public-key")
        .then()
        .statusCode(200)
        .body("origin", equalTo("hsip.io/policy-gateway/audit"))
        .body("public_key_hex", matchesPattern("[0-9a-f]{64}"));
  }

  @Test
  void packagedExportStreamsABundle() {
    given()
        .auth()
        .oauth2(TestTokens.auditor())
        .when()
        .get("/api/v1/audit/export?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z")
        .then()
        .statusCode(200)
        .contentType("application/zip");
  }
}
