package io.hsip.policygateway.base;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Production validates the Flyway-built schema against the entity mappings at start-up ({@code
 * %prod.quarkus.hibernate-orm.schema-management.strategy=validate}); a mismatch would stop every
 * replica. This starts the application the same way against the migrated test database.
 */
@QuarkusTest
@TestProfile(SchemaValidationTest.ValidateSchema.class)
class SchemaValidationTest {

  /** The production schema strategy. */
  public static class ValidateSchema implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.hibernate-orm.schema-management.strategy", "validate");
    }
  }

  @Test
  void entityMappingsMatchTheMigratedSchema() {
    given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
  }
}
