package io.hsip.policygateway.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.hsip.policygateway.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Without the subjects' key-encryption key the gateway is not ready, and everything that needs a
 * subject key fails closed with a problem that names no path: appends about a subject, searches by
 * PeerID, erasures.
 */
@QuarkusTest
@TestProfile(MissingSubjectKekTest.NoKek.class)
class MissingSubjectKekTest {

  private static final String PEER = "AB3C3OQDGHS4Z6ZGMG4UWWSML3";

  /** Points at a file that does not exist and forbids generating one, as production does. */
  public static class NoKek implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "audit.subject-kek-file", "target/no-such-dir/missing-subject-kek",
          "audit.subject-kek-generate-if-missing", "false");
    }
  }

  @Inject AuditLog log;

  @Test
  void readinessIsDownWithAReasonThatNamesNoPath() {
    String ready =
        given()
            .when()
            .get("/q/health/ready")
            .then()
            .statusCode(503)
            .body(
                "checks.find { it.name == 'audit subject key-encryption key' }.status",
                equalTo("DOWN"))
            .body(
                "checks.find { it.name == 'audit subject key-encryption key' }.data.reason",
                equalTo("key-encryption key file does not exist or is not a file"))
            .extract()
            .asString();
    assertThat(ready).doesNotContain("missing-subject-kek").doesNotContain("no-such-dir");
  }

  @Test
  void appendsAboutASubjectFailClosedOthersStillWork() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> log.append(AuditEntry.decision(PEER, "allow").build()))
        .isInstanceOf(AuditAppendException.class);
    assertThat(log.append(AuditEntry.adminChange("alice.admin", "policy.publish").build()))
        .isPositive();
  }

  @Test
  void searchByPeerIdAndErasureAre503ProblemsNamingNoInternals() {
    for (var response :
        new io.restassured.response.ValidatableResponse[] {
          given()
              .auth()
              .oauth2(TestTokens.auditor())
              .when()
              .get("/api/v1/audit/entries?peer=" + PEER)
              .then(),
          given()
              .auth()
              .oauth2(TestTokens.admin())
              .when()
              .delete("/api/v1/audit/subjects/" + PEER)
              .then()
        }) {
      String body =
          response
              .statusCode(503)
              .contentType(startsWith("application/problem+json"))
              .body("type", equalTo("https://hsip.io/problems/subject-keys-unavailable"))
              .extract()
              .asString();
      assertThat(body).doesNotContain("missing-subject-kek").doesNotContain("Exception");
    }
  }
}
