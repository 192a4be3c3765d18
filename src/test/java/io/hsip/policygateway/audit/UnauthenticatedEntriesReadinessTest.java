package io.hsip.policygateway.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * In the running service: a row inserted behind the gateway's back is refused by the background
 * integrator's round, and readiness is DOWN (count and first seq, nothing secret) until an operator
 * removes it.
 */
@QuarkusTest
class UnauthenticatedEntriesReadinessTest {

  private static final String CHECK = "checks.find { it.name == 'audit entries authenticated' }";

  @Inject AgroalDataSource dataSource;
  @Inject AuditIntegration integration;

  @Test
  void readinessIsDownWhileARefusedRowIsPresent() throws Exception {
    given().when().get("/q/health/ready").then().statusCode(200);
    long seq;
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT nextval('audit_entry_seq')")) {
      r.next();
      seq = r.getLong(1);
    }
    Instant time = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    AuditEntry approval = AuditEntry.adminChange("mallory", "policy.approve").outcome("ok").build();
    try (Connection c = dataSource.getConnection();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO audit_entry (seq, recorded_at, kind, actor, outcome, body, mac,"
                    + " mac_key_id) VALUES (?, ?, 'admin-change', 'mallory', 'ok', ?, ?,"
                    + " '0123456789abcdef')")) {
      insert.setLong(1, seq);
      insert.setTimestamp(2, java.sql.Timestamp.from(time));
      insert.setBytes(3, EntryFormat.encode(approval, seq, time, null));
      insert.setBytes(4, new byte[32]);
      insert.executeUpdate();
    }
    try {
      integration.integrateNow();
      String body =
          given().when().get("/q/health/ready").then().statusCode(503).extract().asString();
      JsonPath json = JsonPath.from(body);
      assertThat(json.getString(CHECK + ".status")).isEqualTo("DOWN");
      assertThat(json.getLong(CHECK + ".data.refused_entries")).isEqualTo(1);
      assertThat(json.getLong(CHECK + ".data.first_seq")).isEqualTo(seq);
      assertThat(json.getMap(CHECK + ".data"))
          .as("nothing else, nothing secret")
          .containsOnlyKeys("refused_entries", "first_seq");
    } finally {
      // The operator's remedy after the investigation: remove the row (as the table owner).
      try (Connection c = TestDatabase.owner();
          Statement s = c.createStatement()) {
        s.execute("ALTER TABLE audit_entry DISABLE TRIGGER USER");
        s.execute("DELETE FROM audit_entry WHERE seq = " + seq);
        s.execute("ALTER TABLE audit_entry ENABLE TRIGGER USER");
      }
    }
    given().when().get("/q/health/ready").then().statusCode(200);
  }
}
