package io.hsip.policygateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hsip db migrate} on the real test PostgreSQL, in a schema of its own: it migrates as the
 * owner role and leaves the runtime role with the grants, takes the password only from a file or
 * the environment, and refuses set-ups that would give the runtime role the owner's powers.
 */
class DbCommandTest {

  @TempDir Path dir;
  private String schema;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void schema() {
    schema =
        ("cli_migrate_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    TestDatabase.asOwner("CREATE SCHEMA " + schema);
  }

  @AfterEach
  void drop() {
    TestDatabase.asOwner("DROP SCHEMA " + schema + " CASCADE");
  }

  /** The newest migration in the source tree: what a migration from empty ends at. */
  private static int latestVersion() throws Exception {
    try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> name.matches("V\\d+__.*\\.sql"))
          .mapToInt(name -> Integer.parseInt(name.substring(1, name.indexOf("__"))))
          .max()
          .orElseThrow();
    }
  }

  private String url() {
    return TestDatabase.url() + "?currentSchema=" + schema;
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return HsipCli.run(
        Clock.systemUTC(), new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private Path passwordFile() throws Exception {
    // The local cluster trusts 127.0.0.1; the password is read and passed on all the same.
    return Files.writeString(
        dir.resolve("owner-password"), TestDatabase.ownerPassword() + "stand-in\n");
  }

  @Test
  void migratesAsTheOwnerAndGrantsTheRuntimeRoleThenReportsUpToDate() throws Exception {
    String[] args = {
      "db",
      "migrate",
      "--url",
      url(),
      "--owner",
      TestDatabase.ownerRole(),
      "--runtime-role",
      TestDatabase.runtimeRole(),
      "--password-file",
      passwordFile().toString()
    };
    assertThat(run(args)).as(err.toString()).isZero();
    assertThat(out.toString())
        .startsWith("migrated ")
        .contains(" from schema version empty to " + latestVersion() + " (")
        .contains(TestDatabase.runtimeRole() + " is the runtime role");

    try (Connection c = TestDatabase.owner();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT pg_get_userbyid(relowner),"
                    + " has_table_privilege('"
                    + TestDatabase.runtimeRole()
                    + "', oid, 'INSERT'),"
                    + " has_table_privilege('"
                    + TestDatabase.runtimeRole()
                    + "', oid, 'DELETE')"
                    + " FROM pg_class WHERE oid = '"
                    + schema
                    + ".audit_entry'::regclass")) {
      r.next();
      assertThat(r.getString(1)).isEqualTo(TestDatabase.ownerRole());
      assertThat(r.getBoolean(2)).isTrue();
      assertThat(r.getBoolean(3)).isFalse();
    }

    assertThat(run(args)).as(err.toString()).isZero();
    assertThat(out.toString())
        .startsWith("up to date: ")
        .contains("is at schema version " + latestVersion());
  }

  @Test
  void refusesTheRuntimeRoleAsOwnerAndPasswordsInTheUrl() {
    assertThat(
            run(
                "db",
                "migrate",
                "--url",
                url(),
                "--owner",
                TestDatabase.runtimeRole(),
                "--runtime-role",
                TestDatabase.runtimeRole()))
        .isEqualTo(CliException.USAGE);
    assertThat(err.toString()).contains("the owner and the runtime role must differ");

    assertThat(run("db", "migrate", "--url", url() + "&password=secret")).isEqualTo(2);
    assertThat(err.toString())
        .contains("the URL must not carry a password")
        .doesNotContain("secret");

    assertThat(run("db", "migrate", "--url", url(), "--owner", "Robert'); DROP")).isEqualTo(2);
    assertThat(err.toString()).contains("--owner must be a plain lower-case role name");

    assertThat(run("db", "migrate", "--url", url(), "--password")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--password'");
  }

  @Test
  void anUnreachableDatabaseExitsFiveWithoutAStackTrace() throws Exception {
    assertThat(
            run(
                "db",
                "migrate",
                "--url",
                "jdbc:postgresql://127.0.0.1:1/nowhere?connectTimeout=1",
                "--password-file",
                passwordFile().toString()))
        .isEqualTo(CliException.DATABASE);
    assertThat(err.toString())
        .startsWith("hsip: migration failed: ")
        .doesNotContain("stand-in")
        .doesNotContain("\tat ");
  }

  @Test
  void theMigrationsRefuseToRunAsTheRuntimeRoleOrForOneThatDoesNotExist() {
    // An existing deployment whose runtime role still owns the tables would migrate as that role.
    assertThatThrownBy(() -> migrateAsOwnerGranting(TestDatabase.ownerRole()))
        .isInstanceOf(FlywayException.class)
        .hasMessageContaining("migrations must run as the owner role, not as the runtime role");
    assertThatThrownBy(() -> migrateAsOwnerGranting("hsip_no_such_role"))
        .isInstanceOf(FlywayException.class)
        .hasMessageContaining("the runtime role \"hsip_no_such_role\" does not exist");
    // V22 is applied; nothing of V24 stayed (it runs in one transaction).
    assertThat(
            ownerLong(
                "SELECT max(installed_rank) FROM "
                    + schema
                    + ".flyway_schema_history WHERE success AND version = '22'"))
        .isPositive();
    assertThat(
            ownerLong(
                "SELECT count(*) FROM " + schema + ".flyway_schema_history WHERE version = '24'"))
        .isZero();
    assertThat(
            ownerLong(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = '"
                    + schema
                    + ".audit_export'::regclass"))
        .isZero();
  }

  private void migrateAsOwnerGranting(String runtimeRole) {
    Flyway.configure()
        .dataSource(
            url(),
            TestDatabase.ownerRole(),
            TestDatabase.ownerPassword().isEmpty() ? null : TestDatabase.ownerPassword())
        .locations("classpath:db/migration")
        .placeholders(Map.of("runtime_role", runtimeRole))
        .load()
        .migrate();
  }

  private static long ownerLong(String sql) {
    try (Connection c = TestDatabase.owner();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
