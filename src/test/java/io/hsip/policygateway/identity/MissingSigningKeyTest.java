package io.hsip.policygateway.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Without a key file and without permission to generate one, the gateway is not ready and signs
 * nothing.
 */
@QuarkusTest
@TestProfile(MissingSigningKeyTest.NoKey.class)
class MissingSigningKeyTest {

  /** Points at a file that does not exist and forbids generating one, as production does. */
  public static class NoKey implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "identity.signing-key-file", "target/no-such-dir/missing-key.pem",
          "identity.generate-if-missing", "false");
    }
  }

  @Test
  void readinessIsDownWithTheReason() {
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(503)
        .body("status", equalTo("DOWN"))
        .body("checks.find { it.name == 'gateway signing key' }.status", equalTo("DOWN"))
        .body(
            "checks.find { it.name == 'gateway signing key' }.data.reason",
            equalTo("signing key file does not exist or is not a file"));
  }

  @Test
  void readinessNamesNoFilePath() {
    String ready =
        given().when().get("/q/health/ready").then().statusCode(503).extract().asString();
    org.assertj.core.api.Assertions.assertThat(ready)
        .doesNotContain("missing-key.pem")
        .doesNotContain("no-such-dir");
  }

  @Test
  void livenessStaysUp() {
    given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void identityEndpointIs503Problem() {
    given()
        .when()
        .get("/api/v1/identity")
        .then()
        .statusCode(503)
        .contentType(startsWith("application/problem+json"))
        .body("type", equalTo("https://hsip.io/problems/signing-key-unavailable"))
        .body("title", equalTo("Signing key unavailable"));
  }

  @Test
  void refusalsNameNoInternals() {
    String health = given().when().get("/q/health").then().extract().asString();
    String problem = given().when().get("/api/v1/identity").then().extract().asString();
    for (String body : new String[] {health, problem}) {
      org.assertj.core.api.Assertions.assertThat(body)
          .doesNotContain("Exception")
          .doesNotContain("PRIVATE KEY")
          .doesNotContain("at io.");
    }
    org.assertj.core.api.Assertions.assertThat(problem).doesNotContain("missing-key.pem");
  }
}
