package io.hsip.policygateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.TestDatabase;
import io.hsip.policygateway.hsip.Vectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/hsip} runs the packaged jar's command line on the JDK that runs the tests (JAVA_HOME),
 * passes the exit code through, and lets no JVM warning reach the user (JDK 24+ would print four
 * about {@code sun.misc.Unsafe} without the launcher's flag).
 */
class HsipLauncherIT {

  @TempDir Path dir;

  @Test
  void peerIdPrintsOnlyThePeerId() throws Exception {
    Run run = hsip("peer-id", "--pub", Vectors.text("identity.responder.ed25519_public_key_hex"));
    assertThat(run.stderr()).doesNotContain("WARNING").isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout()).isEqualTo(Vectors.text("identity.responder.peer_id") + "\n");
  }

  /** The policy commands load CEL, whose protobuf runtime is what JDK 24+ warns about. */
  @Test
  void policyValidateLoadsCelWithoutWarnings() throws Exception {
    Run run = hsip("policy", "validate", "policies/example-org.yaml");
    assertThat(run.stderr()).doesNotContain("WARNING").isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout()).startsWith("OK: policies/example-org.yaml: policy set acme");
  }

  @Test
  void theCliExitCodePassesThrough() throws Exception {
    Run run = hsip("peer-id", "--pub", "00".repeat(32));
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.stderr())
        .doesNotContain("WARNING")
        .hasLineCount(1)
        .startsWith("hsip: ")
        .contains("public key is not a valid Ed25519 point of prime order");
  }

  @Test
  void withoutArgumentsItShowsTheUsageInsteadOfStartingTheService() throws Exception {
    Run run = hsip();
    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout()).startsWith("Usage: hsip ");
    assertThat(run.stderr()).isEmpty();
  }

  /**
   * The operators' migration command (a Kubernetes Job runs it) finds the migrations inside the
   * packaged jar and applies them as the owner role, into a schema of its own here.
   */
  @Test
  void dbMigrateAppliesThePackagedMigrations() throws Exception {
    String schema = "launcher_" + UUID.randomUUID().toString().substring(0, 8);
    TestDatabase.asOwner("CREATE SCHEMA " + schema);
    try {
      Run run =
          hsip(
              "db",
              "migrate",
              "--url",
              TestDatabase.url() + "?currentSchema=" + schema,
              "--owner",
              TestDatabase.ownerRole(),
              "--runtime-role",
              TestDatabase.runtimeRole());
      assertThat(run.exitCode()).as(run.stderr()).isZero();
      assertThat(run.stdout())
          .startsWith("migrated " + TestDatabase.name() + " from schema version empty to ");
    } finally {
      TestDatabase.asOwner("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private Run hsip(String... args) throws Exception {
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    ProcessBuilder builder = new ProcessBuilder("bash", "bin/hsip");
    builder.command().addAll(List.of(args));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bin/hsip finished").isTrue();
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private record Run(int exitCode, String stdout, String stderr) {}
}
