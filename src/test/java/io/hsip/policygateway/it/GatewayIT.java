package io.hsip.policygateway.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/** The packaged jar starts against the real PostgreSQL and is ready to serve. */
@QuarkusIntegrationTest
@WithTestResource(TestIssuerConfig.class)
class GatewayIT {

  @Test
  void packagedGatewayIsReady() {
    given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void packagedGatewayPublishesItsIdentity() {
    given()
        .when()
        .get("/api/v1/identity")
        .then()
        .statusCode(200)
        .body("peer_id", matchesPattern("[A-Z2-7]{26}"));
  }

  @Test
  void packagedGatewayAnswersUnknownPathsWithProblems() {
    given()
        .when()
        .get("/api/v1/nothing-here")
        .then()
        .statusCode(404)
        .contentType(startsWith("application/problem+json"));
  }

  @Test
  void packagedGatewayExposesOpenApiAndMetrics() {
    given()
        .when()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body("info.title", equalTo("HSIP Policy Gateway API"));
    given().when().get("/q/metrics").then().statusCode(200);
  }
}
