package io.hsip.policygateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hsip.policygateway.TestDatabase;
import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.it.GatewayProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How fast the audit search behind the console's audit page answers over one million entries: the
 * first page and pages deep in the range (by keyset cursor, by time, with filters), 50 rows each as
 * the console's grid asks. {@code bash .ci/audit-pages}. Fills the bench database with a million
 * decision entries (generated in PostgreSQL), starts the packaged gateway with integration off (the
 * rows are marked integrated), and times each query over loopback: the round trip bounds the
 * server's time from above.
 */
public final class AuditPageLoad {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ENTRIES = 1_000_000;
  private static final int WARMUP = 20;
  private static final int RUNS = 200;

  private AuditPageLoad() {}

  public static void main(String[] args) throws Exception {
    try (GatewayProcess gateway =
        GatewayProcess.start(
            "audit-pages",
            Map.of(
                "audit.integration.enabled",
                "false",
                "quarkus.log.category.\"io.hsip\".level",
                "WARN"))) {
      long t0 = System.nanoTime();
      fill();
      System.out.printf(
          Locale.ROOT,
          "generated %,d audit entries in %d ms%n",
          ENTRIES,
          (System.nanoTime() - t0) / 1_000_000);
      String token = TestTokens.auditor();
      HttpClient http = HttpClient.newHttpClient();
      Map<String, String> pages = new LinkedHashMap<>();
      pages.put("first page", "limit=50");
      pages.put("deep page (before seq 500,000)", "limit=50&before=500000");
      pages.put("last page (before seq 60)", "limit=50&before=60");
      pages.put("deep by time (to 00:08:20, the middle)", "limit=50&to=2026-01-01T00:08:20Z");
      pages.put(
          "deep by time window (1 s, the middle)",
          "limit=50&from=2026-01-01T00:08:19Z&to=2026-01-01T00:08:20Z");
      pages.put("filter effect=deny, first page", "limit=50&effect=deny");
      pages.put("filter effect=deny, deep", "limit=50&effect=deny&before=500000");
      pages.put("filter reason=replayed (0.1%), first page", "limit=50&reason=replayed");
      pages.put("filter reason=replayed, deep", "limit=50&reason=replayed&before=500000");
      pages.put("filter reason=policy_deny, deep", "limit=50&reason=policy_deny&before=500000");
      pages.put("filter kind=decision, deep", "limit=50&kind=decision&before=500000");
      pages.put("filter actor (none match)", "limit=50&actor=nobody");
      System.out.printf(
          Locale.ROOT,
          "%-42s %9s %9s %9s %6s%n",
          "query (50 rows)",
          "p50 ms",
          "p99 ms",
          "max ms",
          "rows");
      for (Map.Entry<String, String> page : pages.entrySet()) {
        URI uri = URI.create(gateway.url() + "/api/v1/audit/entries?" + page.getValue());
        int rows = 0;
        double[] ms = new double[RUNS];
        for (int i = 0; i < WARMUP + RUNS; i++) {
          long start = System.nanoTime();
          HttpResponse<String> response =
              http.send(
                  HttpRequest.newBuilder(uri)
                      .header("Authorization", "Bearer " + token)
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          long took = System.nanoTime() - start;
          if (response.statusCode() != 200) {
            throw new IllegalStateException(
                page.getKey() + ": " + response.statusCode() + " " + response.body());
          }
          if (i >= WARMUP) {
            ms[i - WARMUP] = took / 1e6;
            JsonNode entries = JSON.readTree(response.body()).get("entries");
            rows = entries.size();
          }
        }
        Arrays.sort(ms);
        System.out.printf(
            Locale.ROOT,
            "%-42s %9.1f %9.1f %9.1f %6d%n",
            page.getKey(),
            ms[RUNS / 2],
            ms[(int) (RUNS * 0.99) - 1],
            ms[RUNS - 1],
            rows);
      }
    }
  }

  /**
   * A million decision entries, one per millisecond from 2026-01-01, marked integrated: a third
   * denied by policy, one in 997 a replay (the rare reason an auditor looks for), the rest allowed.
   */
  private static void fill() throws Exception {
    try (Connection c = TestDatabase.owner();
        Statement s = c.createStatement()) {
      s.execute("ALTER TABLE audit_entry DROP CONSTRAINT audit_entry_mac_required");
      s.execute(
          """
          INSERT INTO audit_entry (seq, recorded_at, kind, actor, outcome, policy_version, body, mac_key_id, leaf_index)
          SELECT s, t, 'decision', 'gateway', o, 'sha256:' || p, convert_to(
            '{"action":"consent.decide","actor":"gateway","details":{"reason":"' || r || '"},"kind":"decision","outcome":"' || o
            || '","policy_version":"sha256:' || p || '","schema":1,"seq":' || s
            || ',"time":"' || to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"}',
            'UTF8'), 'pre-v23', s - 1
          FROM (SELECT s, timestamptz '2026-01-01 00:00:00+00' + s * interval '1 millisecond' AS t,
                       CASE WHEN s % 3 = 0 OR s % 997 = 0 THEN 'deny' ELSE 'allow' END AS o,
                       CASE WHEN s % 997 = 0 THEN 'replayed'
                            WHEN s % 3 = 0 THEN 'policy_deny' ELSE 'allowed' END AS r,
                       md5('policy') || md5('v1') AS p
                FROM generate_series(1, $ENTRIES) s) x
          """
              .replace("$ENTRIES", Integer.toString(ENTRIES)));
      s.execute(
          "ALTER TABLE audit_entry ADD CONSTRAINT audit_entry_mac_required CHECK (mac IS NOT NULL"
              + " OR (mac_key_id = 'pre-v23' AND leaf_index IS NOT NULL)) NOT VALID");
      s.execute("SELECT setval('audit_entry_seq', " + ENTRIES + ")");
      s.execute("ANALYZE audit_entry");
    }
  }
}
