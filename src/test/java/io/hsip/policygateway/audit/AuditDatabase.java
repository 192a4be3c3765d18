package io.hsip.policygateway.audit;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.hsip.policygateway.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * A private schema on the real test PostgreSQL (database {@code HSIP_TEST_DB}), migrated by the
 * project's own Flyway scripts as the owner role, with an Agroal pool of the runtime role: lets
 * database tests, the crash child process and the benchmark run the audit machinery on a log of
 * their own without Quarkus, with exactly the gateway's privileges. What the gateway may not do
 * (disable triggers, rewrite rows, add constraints) tests do through {@link #execute}, as the
 * owner.
 */
public final class AuditDatabase implements AutoCloseable {

  private final String schema;
  private final AgroalDataSource pool;
  private final AgroalDataSource owner;

  private AuditDatabase(String schema, int poolSize) {
    this.schema = schema;
    this.pool = pool(TestDatabase.runtimeRole(), TestDatabase.runtimePassword(), poolSize);
    this.owner = pool(TestDatabase.ownerRole(), TestDatabase.ownerPassword(), 4);
  }

  private AgroalDataSource pool(String user, String password, int size) {
    String url = TestDatabase.url() + "?currentSchema=" + schema;
    try {
      return AgroalDataSource.from(
          new AgroalDataSourceConfigurationSupplier()
              .connectionPoolConfiguration(
                  cp ->
                      cp.maxSize(size)
                          .acquisitionTimeout(Duration.ofSeconds(30))
                          .connectionFactoryConfiguration(
                              cf -> {
                                cf.jdbcUrl(url).principal(new NamePrincipal(user));
                                if (!password.isEmpty()) {
                                  cf.credential(new SimplePassword(password));
                                }
                                return cf;
                              })));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a pool for " + url, e);
    }
  }

  /** The test database's name. */
  public static String database() {
    return TestDatabase.name();
  }

  /** A fresh schema named {@code prefix_<random>}, migrated. */
  public static AuditDatabase create(String prefix) {
    return create(prefix, "latest");
  }

  /**
   * A fresh schema named {@code prefix_<random>}, migrated up to version {@code target} (or {@code
   * latest}), for tests of what a migration does to existing rows.
   */
  public static AuditDatabase create(String prefix, String target) {
    String schema =
        (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    AuditDatabase db = new AuditDatabase(schema, 10);
    db.migrate(target);
    return db;
  }

  /** Migrates this schema up to version {@code target} (or {@code latest}). */
  public void migrate(String target) {
    Flyway.configure()
        .dataSource(owner)
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .locations("classpath:db/migration")
        .placeholders(Map.of("runtime_role", TestDatabase.runtimeRole()))
        .target(target)
        .load()
        .migrate();
  }

  /** An existing, migrated schema (for child processes). */
  public static AuditDatabase attach(String schema, int poolSize) {
    return new AuditDatabase(schema, poolSize);
  }

  /** The schema's name. */
  public String schema() {
    return schema;
  }

  /** The pool, connected as the runtime role (what the gateway may do). */
  public DataSource dataSource() {
    return pool;
  }

  /** A pool connected as the owner (what an insider with the owner's credentials may do). */
  public DataSource ownerDataSource() {
    return owner;
  }

  /**
   * Runs statements as the table owner: it may disable the append-only triggers, like an insider
   * with the owner's credentials could.
   */
  public void execute(String... sql) {
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first column of the first row of a query (run as the owner), as a long. */
  public long queryLong(String sql) {
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Drops the schema and closes the pools. */
  public void drop() {
    execute("DROP SCHEMA " + schema + " CASCADE");
    close();
  }

  @Override
  public void close() {
    pool.close();
    owner.close();
  }
}
