package io.hsip.policygateway.policy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.it.TestIssuerConfig;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar: the policy API answers, and the jar's CLI validates and tests policies without
 * the service.
 */
@QuarkusIntegrationTest
@WithTestResource(TestIssuerConfig.class)
class PolicyIT {

  @Test
  void packagedGatewayValidatesTheExampleOrganisation() throws IOException {
    given()
        .auth()
        .oauth2(TestTokens.viewer())
        .contentType("application/yaml")
        .body(Files.readAllBytes(PolicyDocs.EXAMPLE))
        .post("/api/v1/policies/validate")
        .then()
        .statusCode(200)
        .body("policy_set", equalTo("acme"))
        .body("rule_count", equalTo(24));
    given()
        .contentType("application/yaml")
        .body("a: 1".getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/policies/validate")
        .then()
        .statusCode(401);
  }

  @Test
  void packagedCliRunsThePolicySuites() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-jar",
                "target/quarkus-app/quarkus-run.jar",
                "policy",
                "test",
                "policies/tests")
            .redirectErrorStream(true)
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("ok   outside peers: 14 case(s), 0 failed");
  }
}
