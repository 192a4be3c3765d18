package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.Heavy;
import io.hsip.policygateway.hsip.Fixtures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A separate process appends under concurrent load and integrates while it is killed with SIGKILL
 * at random moments, ten times. Afterwards every append that had returned (printed its ack) is in
 * the database, and the log integrates and verifies offline.
 */
@Heavy
class AuditCrashTest {

  private static final int CYCLES = 10;

  @TempDir Path dir;

  @Test
  void everyAcknowledgedAppendSurvivesKillNine() throws Exception {
    Set<Long> acked = ConcurrentHashMap.newKeySet();
    Random random = new Random();
    List<String> cycles = new ArrayList<>();
    try (AuditFixture log =
        new AuditFixture(AuditDatabase.create("audit_crash"), Fixtures.RESPONDER)) {
      for (int cycle = 1; cycle <= CYCLES; cycle++) {
        Process child =
            new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    AuditLoadChild.class.getName(),
                    log.db.schema(),
                    "16")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        CountDownLatch ready = new CountDownLatch(1);
        int before = acked.size();
        Thread reader =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try (BufferedReader in =
                          new BufferedReader(
                              new InputStreamReader(
                                  child.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = in.readLine()) != null; ) {
                          if (line.startsWith("ack ")) {
                            acked.add(Long.parseLong(line.substring(4)));
                            // Kill only once the load is really running, at a random moment after
                            // that.
                            ready.countDown();
                          }
                        }
                      } catch (java.io.IOException e) {
                        // The pipe breaks when the child is killed.
                      }
                    });
        assertThat(ready.await(60, TimeUnit.SECONDS)).as("child started").isTrue();
        long lifetime = 100L + random.nextInt(1400);
        Thread.sleep(lifetime);
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        reader.join();
        cycles.add(
            "cycle "
                + cycle
                + ": killed "
                + lifetime
                + " ms into the load, "
                + (acked.size() - before)
                + " acks");
      }
      long committed = log.db.queryLong("SELECT count(*) FROM audit_entry");
      long integratedByChildren =
          log.db.queryLong("SELECT count(*) FROM audit_entry WHERE leaf_index IS NOT NULL");
      assertThat(acked).isNotEmpty();
      assertThat(missing(log, acked)).as("acknowledged appends missing after kill -9").isEmpty();

      var last = log.integrator.integratePending(true);
      assertThat(log.db.queryLong("SELECT count(*) FROM audit_entry WHERE leaf_index IS NULL"))
          .isZero();
      assertThat(log.db.queryLong("SELECT max(leaf_index) + 1 FROM audit_entry"))
          .isEqualTo(committed);
      Path bundle = dir.resolve("crash.zip");
      log.exportAll(bundle);
      AuditFixture.CliRun run =
          AuditFixture.verify(bundle.toString(), "--key", Fixtures.RESPONDER.publicKey().hex());
      assertThat(run.exitCode()).as(run.output()).isZero();
      String report =
          String.join("\n", cycles)
              + "\n"
              + acked.size()
              + " acknowledged appends, all present; "
              + committed
              + " committed rows ("
              + integratedByChildren
              + " integrated by the killed processes); final tree size "
              + last.map(c -> c.treeSize()).orElse(committed)
              + "; bundle verified\n";
      System.out.print(report);
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "audit-crash-test.txt"), report);
    }
  }

  private static List<Long> missing(AuditFixture log, Set<Long> acked) throws Exception {
    List<Long> missing = new ArrayList<>();
    try (Connection c = log.db.dataSource().getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "SELECT a FROM unnest(?::bigint[]) a WHERE NOT EXISTS (SELECT 1 FROM audit_entry e WHERE e.seq = a)")) {
      Array array = c.createArrayOf("bigint", acked.toArray());
      select.setArray(1, array);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          missing.add(rows.getLong(1));
        }
      }
    }
    return missing;
  }
}
