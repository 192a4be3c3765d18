package io.hsip.policygateway;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The test database ({@code HSIP_TEST_DB}) and its two roles, as {@code .ci/lib.sh} creates them:
 * the runtime role the gateway connects as ({@code HSIP_DB_USER}) and the owner that runs the
 * migrations ({@code HSIP_DB_OWNER}). Tests that must do what the gateway may not (clean up,
 * disable a trigger as an insider with the owner's credentials would) connect as the owner here;
 * everything else goes through the gateway's own datasource, as the runtime role.
 */
public final class TestDatabase {

  private TestDatabase() {}

  /** The test database's name. */
  public static String name() {
    return System.getenv().getOrDefault("HSIP_TEST_DB", "hsip_test");
  }

  /** Its JDBC URL (the test profile's datasource URL). */
  public static String url() {
    return "jdbc:postgresql://127.0.0.1:5432/" + name();
  }

  /** The role the gateway connects as. */
  public static String runtimeRole() {
    return System.getenv().getOrDefault("HSIP_DB_USER", "hsip");
  }

  /** The role that owns every object and runs the migrations. */
  public static String ownerRole() {
    return System.getenv().getOrDefault("HSIP_DB_OWNER", "hsip_owner");
  }

  /** The runtime role's password, if the environment gives one (the local cluster trusts). */
  public static String runtimePassword() {
    return System.getenv().getOrDefault("HSIP_DB_PASSWORD", "");
  }

  /** The owner's password, if the environment gives one. */
  public static String ownerPassword() {
    return System.getenv().getOrDefault("HSIP_DB_OWNER_PASSWORD", "");
  }

  /** A new connection as the owner, in autocommit mode. */
  public static Connection owner() throws SQLException {
    return connect(url(), ownerRole(), ownerPassword());
  }

  /** A new connection as the runtime role (what the gateway can do), in autocommit mode. */
  public static Connection runtime() throws SQLException {
    return connect(url(), runtimeRole(), runtimePassword());
  }

  /** Runs statements as the owner, each committed on its own. */
  public static void asOwner(String... sql) {
    try (Connection c = owner();
        Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new connection to {@code url} as {@code user}, with the password if it is not empty. */
  public static Connection connect(String url, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (!password.isEmpty()) {
      props.setProperty("password", password);
    }
    return DriverManager.getConnection(url, props);
  }
}
