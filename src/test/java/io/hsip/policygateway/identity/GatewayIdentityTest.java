package io.hsip.policygateway.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;

import io.hsip.policygateway.hsip.keys.KeyFiles;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** With a key file (generated in tests) the gateway is ready and publishes its identity. */
@QuarkusTest
class GatewayIdentityTest {

  @Inject GatewayIdentity identity;
  @Inject IdentityConfig config;

  @Test
  void readinessIsUpWithDatabaseAndKey() {
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem("gateway signing key"))
        .body("checks.name", hasItem("Database connections health check"));
  }

  @Test
  void identityEndpointPublishesTheLoadedKey() {
    String peerId = identity.signingKey().peerId().value();
    given()
        .when()
        .get("/api/v1/identity")
        .then()
        .statusCode(200)
        .body("peer_id", equalTo(peerId))
        .body("public_key_hex", matchesPattern("[0-9a-f]{64}"))
        .body("public_key_hex", equalTo(identity.signingKey().publicKey().hex()));
  }

  @Test
  void generatedKeyFileIsOwnerOnlyPemOfTheLoadedKey() throws Exception {
    Path file = config.signingKeyFile().orElseThrow();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(KeyFiles.read(file).publicKey()).isEqualTo(identity.signingKey().publicKey());
  }
}
