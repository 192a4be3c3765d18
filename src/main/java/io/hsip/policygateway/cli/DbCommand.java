package io.hsip.policygateway.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hsip db}: database administration for operators. */
@Command(
    name = "db",
    mixinStandardHelpOptions = true,
    description = "Database administration (connects to PostgreSQL).",
    subcommands = {DbCommand.Migrate.class})
final class DbCommand {

  private DbCommand() {}

  /**
   * {@code db migrate}: applies the pending Flyway migrations as the owner role, the job a
   * Kubernetes Job runs before a rollout, so that the gateway itself never needs the owner's
   * credentials (docs/operations.md, "Database roles").
   */
  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description = {
        "Apply the pending schema migrations, connected as the owner role (which owns every table);",
        "they grant the runtime role (the gateway's HSIP_DB_USER) exactly what the gateway needs.",
        "The owner's password comes from --password-file, HSIP_DB_OWNER_PASSWORD_FILE or",
        "HSIP_DB_OWNER_PASSWORD, never from the command line; without one the driver's other means",
        "apply (a trusted host, ~/.pgpass). Exit 0 when the schema is up to date, 5 if the database",
        "could not be reached or refused a migration."
      })
  static final class Migrate extends CliCommand {

    /** Role names as lib.sh and the migrations accept them: plain, unquoted identifiers. */
    private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** A password file holds a password, not a document. */
    private static final long MAX_PASSWORD_BYTES = 4096;

    @Option(
        names = "--url",
        paramLabel = "JDBC-URL",
        defaultValue = "${env:HSIP_DB_URL}",
        description =
            "The database, e.g. jdbc:postgresql://db:5432/hsip (default: HSIP_DB_URL), without a password.")
    @Nullable String url;

    @Option(
        names = "--owner",
        paramLabel = "ROLE",
        defaultValue = "${env:HSIP_DB_OWNER:-hsip_owner}",
        description = "The owner role to connect as (default: HSIP_DB_OWNER, else hsip_owner).")
    String owner;

    @Option(
        names = "--password-file",
        paramLabel = "FILE",
        description =
            "A file holding the owner's password, e.g. a mounted Secret (default: HSIP_DB_OWNER_PASSWORD_FILE).")
    @Nullable Path passwordFile;

    @Option(
        names = "--runtime-role",
        paramLabel = "ROLE",
        defaultValue = "${env:HSIP_DB_USER:-hsip}",
        description =
            "The role the gateway connects as, which the migrations grant to (default: HSIP_DB_USER, else hsip).")
    String runtimeRole;

    @Override
    public Integer call() throws CliException {
      String jdbcUrl = jdbcUrl();
      checkRole("--owner", owner);
      checkRole("--runtime-role", runtimeRole);
      if (owner.equals(runtimeRole)) {
        throw new CliException(
            CliException.USAGE,
            "the owner and the runtime role must differ: the gateway must not own its tables");
      }
      MigrateResult result;
      try {
        result =
            Flyway.configure(Migrate.class.getClassLoader())
                .dataSource(jdbcUrl, owner, password(System.getenv()))
                .locations("classpath:db/migration")
                .placeholders(Map.of("runtime_role", runtimeRole))
                .load()
                .migrate();
      } catch (FlywayException e) {
        throw new CliException(CliException.DATABASE, "migration failed: " + e.getMessage());
      }
      String from = result.initialSchemaVersion == null ? "empty" : result.initialSchemaVersion;
      if (result.migrationsExecuted == 0) {
        out().println("up to date: " + result.database + " is at schema version " + from);
      } else {
        out()
            .println(
                "migrated "
                    + result.database
                    + " from schema version "
                    + from
                    + " to "
                    + result.targetSchemaVersion
                    + " ("
                    + result.migrationsExecuted
                    + " migration(s)); "
                    + runtimeRole
                    + " is the runtime role");
      }
      return 0;
    }

    private String jdbcUrl() throws CliException {
      if (url == null || url.isBlank()) {
        throw new CliException(CliException.USAGE, "no database: set HSIP_DB_URL or --url");
      }
      if (!url.startsWith("jdbc:postgresql:")) {
        throw new CliException(CliException.USAGE, "--url must be a jdbc:postgresql: URL");
      }
      // A password in the URL would be visible to everyone who can list processes or read the Job.
      if (url.toLowerCase(Locale.ROOT).contains("password=")) {
        throw new CliException(
            CliException.USAGE,
            "the URL must not carry a password: use HSIP_DB_OWNER_PASSWORD or --password-file");
      }
      return url;
    }

    private static void checkRole(String option, String role) throws CliException {
      if (!ROLE.matcher(role).matches()) {
        throw new CliException(
            CliException.USAGE, option + " must be a plain lower-case role name: " + role);
      }
    }

    /** The owner's password, if one is configured; null lets the driver decide. */
    private @Nullable String password(Map<String, String> env) throws CliException {
      Path file = passwordFile;
      if (file == null && env.get("HSIP_DB_OWNER_PASSWORD_FILE") != null) {
        file = Path.of(env.get("HSIP_DB_OWNER_PASSWORD_FILE"));
      }
      if (file != null) {
        return readPassword(file);
      }
      String password = env.get("HSIP_DB_OWNER_PASSWORD");
      return password == null || password.isEmpty() ? null : password;
    }

    private static String readPassword(Path file) throws CliException {
      try {
        if (Files.size(file) > MAX_PASSWORD_BYTES) {
          throw new CliException(CliException.INPUT, file + " is too large for a password file");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        // Secrets and editors often end the file with a newline; it is not part of the password.
        String password = text.endsWith("\r\n") ? text.substring(0, text.length() - 2) : text;
        password =
            password.endsWith("\n") ? password.substring(0, password.length() - 1) : password;
        if (password.isEmpty()) {
          throw new CliException(CliException.INPUT, file + " is empty");
        }
        return password;
      } catch (NoSuchFileException e) {
        throw new CliException(CliException.INPUT, file + " does not exist");
      } catch (IOException e) {
        throw new CliException(
            CliException.INPUT, "cannot read " + file + ": " + e.getClass().getSimpleName());
      }
    }
  }
}
