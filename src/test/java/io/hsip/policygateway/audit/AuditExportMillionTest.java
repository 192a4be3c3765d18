package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.Heavy;
import io.hsip.policygateway.hsip.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One million entries are exported as a stream by a JVM limited to a 64 MB heap, and the bundle
 * verifies offline in another 64 MB JVM. Times and peak memory go to {@code
 * target/audit-export-million.txt}.
 */
@Heavy
class AuditExportMillionTest {

  private static final int ENTRIES = 1_000_000;
  private static final String HEAP = "-Xmx64m";

  @TempDir Path dir;

  @Test
  void aMillionEntriesStreamWithinBoundedHeapAndVerify() throws Exception {
    List<String> figures = new ArrayList<>();
    try (AuditFixture log =
        new AuditFixture(AuditDatabase.create("audit_million"), Fixtures.RESPONDER)) {
      long t0 = System.nanoTime();
      // Entries as the writer stores them (canonical schema 1), generated in the database for
      // speed: the writer's own throughput is the benchmark's business. SQL cannot compute their
      // MACs (no key in the database, by design), so they stand in for entries that were pending
      // when V23 introduced MACs ('pre-v23', admitted without one); the constraint that refuses
      // new MAC-less rows is lifted for the load and restored, as NOT VALID as V23 made it.
      log.db.execute(
          "ALTER TABLE audit_entry DROP CONSTRAINT audit_entry_mac_required",
          """
          INSERT INTO audit_entry (seq, recorded_at, kind, actor, outcome, policy_version, trace_id, body, mac_key_id)
          SELECT s, t, 'decision', 'gateway', o, 'sha256:' || p, tr, convert_to(
            '{"action":"consent.decide","actor":"gateway","kind":"decision","outcome":"' || o
            || '","policy_version":"sha256:' || p || '","request_hash":"' || rh || '","schema":1,"seq":' || s
            || ',"time":"' || to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '","trace_id":"' || tr || '"}',
            'UTF8'), 'pre-v23'
          FROM (SELECT s, timestamptz '2026-01-01 00:00:00+00' + s * interval '1 millisecond' AS t,
                       CASE WHEN s % 3 = 0 THEN 'deny' ELSE 'allow' END AS o,
                       md5('policy') || md5('v1') AS p, md5(s::text) || md5((s + 1)::text) AS rh, md5((-s)::text) AS tr
                FROM generate_series(1, 1000000) s) x
          """,
          "ALTER TABLE audit_entry ADD CONSTRAINT audit_entry_mac_required CHECK (mac IS NOT NULL"
              + " OR (mac_key_id = 'pre-v23' AND leaf_index IS NOT NULL)) NOT VALID",
          "SELECT setval('audit_entry_seq', 1000000)",
          "ANALYZE audit_entry");
      figures.add(
          String.format(java.util.Locale.ROOT, "generated %d entries in %d ms", ENTRIES, ms(t0)));

      long t1 = System.nanoTime();
      var integrator =
          new io.hsip.policygateway.audit.internal.TreeIntegrator(
              log.db.dataSource(),
              log.tiles,
              () -> Fixtures.RESPONDER,
              AuditFixture.ORIGIN,
              java.time.Clock.systemUTC(),
              100_000);
      assertThat(integrator.integratePending(true).orElseThrow().treeSize()).isEqualTo(ENTRIES);
      figures.add(
          String.format(
              java.util.Locale.ROOT,
              "integrated into the tree (10 rounds, 10 checkpoints) in %d ms",
              ms(t1)));

      Path bundle = dir.resolve("million.zip");
      String export =
          child(
              "export",
              log.db.schema(),
              bundle.toString(),
              "2026-01-01T00:00:00Z",
              "2026-01-02T00:00:00Z");
      assertThat(export).contains("RESULT 1000000 entries exported");
      figures.add(
          export.lines().filter(l -> l.startsWith("RESULT")).findFirst().orElseThrow()
              + ", bundle "
              + (Files.size(bundle) >> 20)
              + " MB");

      String verify = child("verify", bundle.toString(), Fixtures.RESPONDER.publicKey().hex());
      assertThat(verify)
          .contains(
              "VERIFIED: 1000000 entries (leaves 0 to 1000000 of tree size 1000000), 10 checkpoints")
          .contains("RESULT verify exit 0");
      figures.add(verify.lines().filter(l -> l.startsWith("RESULT")).findFirst().orElseThrow());
    }
    String report = String.join("\n", figures) + "\n";
    System.out.print(report);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "audit-export-million.txt"), report);
  }

  private static String child(String... args) throws IOException, InterruptedException {
    return io.hsip.policygateway.BoundedHeap.run(
        BoundedHeapChild.class, List.of(HEAP, "-XX:+UseSerialGC"), args);
  }

  private static long ms(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
