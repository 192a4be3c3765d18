package io.hsip.policygateway.policy.impact;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.BoundedHeap;
import io.hsip.policygateway.Heavy;
import io.hsip.policygateway.audit.AuditDatabase;
import io.hsip.policygateway.audit.AuditEntry;
import io.hsip.policygateway.audit.AuditFixture;
import io.hsip.policygateway.audit.EntryFormat;
import io.hsip.policygateway.hsip.transparency.SubjectKey;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.compile.PolicyLimits;
import io.hsip.policygateway.policy.generate.OrganisationGenerator;
import io.hsip.policygateway.policy.model.DecisionChange;
import io.hsip.policygateway.policy.model.Effect;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.RecordedFacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Impact analysis over a database holding 1,050,000 recorded decisions, 1,000,000 of them in the
 * window: a draft that deletes one rule of a generated 1,000-rule organisation is replayed by a JVM
 * limited to a 64 MB heap, and its counts equal the brute-force count (every distinct recorded
 * request evaluated with the draft, times how often it was recorded in the window). Time and peak
 * heap go to {@code target/policy-impact-million.txt}.
 */
@Heavy
class PolicyImpactMillionTest {

  private static final int DISTINCT = 5_000;
  private static final int BEFORE_WINDOW = 50_000;
  private static final int IN_WINDOW = 1_000_000;
  private static final long SPACING_MS = 600;
  private static final Instant BASE = Instant.parse("2026-11-01T00:00:00Z");
  private static final String HEAP = "-Xmx64m";

  @TempDir Path dir;

  @Test
  void aMillionRecordedDecisionsReplayWithinBoundedHeapAndMatchTheBruteForceCount()
      throws Exception {
    OrganisationGenerator organisation = new OrganisationGenerator(1_000, 42);
    PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);
    CompiledPolicy live = compiler.compile(organisation.document()).orThrow();
    List<PolicyRequest> requests = new ArrayList<>();
    for (PolicyRequest r : organisation.requests(DISTINCT, 7, BASE)) {
      requests.add(asThePipelineShapesIt(r));
    }
    List<PolicyDecision> recorded = requests.stream().map(live::evaluate).toList();

    // The draft deletes the allow rule that alone allowed most of the recorded allows.
    String deleted =
        recorded.stream()
            .filter(d -> allows(d) && d.matchedRuleIds().size() == 1)
            .collect(
                Collectors.groupingBy(d -> d.matchedRuleIds().getFirst(), Collectors.counting()))
            .entrySet()
            .stream()
            .max(Map.Entry.comparingByValue())
            .orElseThrow()
            .getKey();
    String draftText = withoutRule(organisation.document(), deleted);
    CompiledPolicy draft = compiler.compile(draftText).orThrow();
    Path draftFile = Files.writeString(dir.resolve("draft.yaml"), draftText);

    // Brute force: each distinct request recurs exactly IN_WINDOW / DISTINCT times in the window.
    Map<String, Long> expected = new TreeMap<>();
    for (DecisionChange c : DecisionChange.values()) {
      expected.put(c.wire(), 0L);
    }
    for (int i = 0; i < DISTINCT; i++) {
      PolicyDecision was = recorded.get(i);
      PolicyDecision now = draft.evaluate(requests.get(i));
      DecisionChange change =
          DecisionChange.between(
              allows(was), allows(was) ? was.grantedTtlMs() : 0,
              allows(now), allows(now) ? now.grantedTtlMs() : 0);
      if (change != null) {
        expected.merge(change.wire(), (long) (IN_WINDOW / DISTINCT), Long::sum);
      }
    }
    assertThat(expected.get("allow_to_deny")).as("the deleted rule mattered").isPositive();

    List<String> figures = new ArrayList<>();
    try (AuditDatabase db = AuditDatabase.create("impact_million")) {
      long t0 = System.nanoTime();
      Map<String, String> pseudonyms = pseudonyms(db, requests);
      loadTemplates(db, requests, recorded, pseudonyms);
      db.execute(
          // As in AuditExportMillionTest: SQL cannot compute MACs, so the generated rows stand in
          // for entries admitted without one ('pre-v23'), the constraint lifted for the load.
          "ALTER TABLE audit_entry DROP CONSTRAINT audit_entry_mac_required",
          """
          INSERT INTO audit_entry (seq, recorded_at, kind, actor, subject, outcome, policy_version, body, mac_key_id)
          SELECT s, t, 'decision', 'gateway', tpl.subject, tpl.outcome, tpl.policy_version,
                 convert_to(replace(replace(tpl.body, '"seq":0,', '"seq":' || s || ','),
                                    '"time":"%s"',
                                    '"time":"' || to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"'),
                            'UTF8'),
                 'pre-v23'
          FROM (SELECT s, timestamptz '%s' + s * interval '%d milliseconds' AS t
                FROM generate_series(1, %d) s) x
          JOIN impact_template tpl ON tpl.id = s %% %d
          """
              .formatted(
                  EntryFormat.formatTime(BASE),
                  BASE,
                  SPACING_MS,
                  BEFORE_WINDOW + IN_WINDOW,
                  DISTINCT),
          "ALTER TABLE audit_entry ADD CONSTRAINT audit_entry_mac_required CHECK (mac IS NOT NULL"
              + " OR (mac_key_id = 'pre-v23' AND leaf_index IS NOT NULL)) NOT VALID",
          "SELECT setval('audit_entry_seq', " + (BEFORE_WINDOW + IN_WINDOW) + ")",
          "ANALYZE audit_entry");
      assertThat(db.queryLong("SELECT count(*) FROM audit_entry WHERE kind = 'decision'"))
          .isEqualTo(BEFORE_WINDOW + IN_WINDOW);
      figures.add(
          String.format(
              Locale.ROOT,
              "generated %d decision entries (%d distinct requests of a 1,000-rule organisation)"
                  + " in %d ms",
              BEFORE_WINDOW + IN_WINDOW,
              DISTINCT,
              (System.nanoTime() - t0) / 1_000_000));

      // The window starts halfway between the last entry before it and the first in it.
      Instant from = BASE.plusMillis(BEFORE_WINDOW * SPACING_MS + SPACING_MS / 2);
      Instant to = BASE.plusMillis((BEFORE_WINDOW + IN_WINDOW + 1) * SPACING_MS);
      String output = child(db.schema(), draftFile.toString(), from.toString(), to.toString());
      Map<String, String> result = new HashMap<>();
      output
          .lines()
          .filter(l -> l.startsWith("IMPACT "))
          .map(l -> l.substring("IMPACT ".length()).split("=", 2))
          .forEach(kv -> result.put(kv[0], kv[1]));
      assertThat(result).containsEntry("complete", "true");
      assertThat(result).containsEntry("decisions", Integer.toString(IN_WINDOW));
      assertThat(result).containsEntry("replayed", Integer.toString(IN_WINDOW));
      for (Map.Entry<String, Long> change : expected.entrySet()) {
        assertThat(result)
            .as(change.getKey())
            .containsEntry("change." + change.getKey(), Long.toString(change.getValue()));
      }
      assertThat(result.get("groups")).containsPattern("\\b" + deleted + "\\b");
      figures.add("expected changes (brute force) " + expected + ", rule deleted: " + deleted);
      figures.add(output.lines().filter(l -> l.startsWith("RESULT")).findFirst().orElseThrow());
    }
    String report = String.join("\n", figures) + "\n";
    System.out.print(report);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "policy-impact-million.txt"), report);
  }

  private static boolean allows(PolicyDecision d) {
    return d.effect() == Effect.ALLOW && d.grantedTtlMs() > 0;
  }

  /** A service target carries no member or groups in the gateway's facts. */
  private static PolicyRequest asThePipelineShapesIt(PolicyRequest r) {
    if (r.target().service() == null) {
      return r;
    }
    return new PolicyRequest(
        r.requester(),
        new PolicyRequest.Target(null, Set.of(), r.target().service()),
        r.purpose(),
        r.requestedTtlMs(),
        r.atMs());
  }

  private static String withoutRule(String document, String id) {
    String start = "  - id: " + id + "\n";
    int from = document.indexOf(start);
    int next = document.indexOf("  - id: ", from + start.length());
    assertThat(from).isPositive();
    return document.substring(0, from) + (next < 0 ? "" : document.substring(next));
  }

  /** Creates the subject keys of every PeerID in the requests; their pseudonyms by PeerID. */
  private static Map<String, String> pseudonyms(AuditDatabase db, List<PolicyRequest> requests)
      throws Exception {
    Set<String> peers = new LinkedHashSet<>();
    for (PolicyRequest r : requests) {
      peers.add(r.requester().peerId());
      if (r.target().member() != null) {
        peers.add(r.target().member());
      }
    }
    Map<String, String> pseudonyms = new HashMap<>();
    try (Connection c = db.dataSource().getConnection()) {
      Map<String, SubjectKey> keys = AuditFixture.subjectKeys().resolve(c, peers);
      keys.forEach((peer, key) -> pseudonyms.put(peer, key.pseudonym(peer)));
    }
    return pseudonyms;
  }

  /** One stored body per distinct request, built as the gateway builds a decision entry. */
  private static void loadTemplates(
      AuditDatabase db,
      List<PolicyRequest> requests,
      List<PolicyDecision> recorded,
      Map<String, String> pseudonyms)
      throws Exception {
    db.execute(
        "CREATE TABLE impact_template (id int PRIMARY KEY, subject text, outcome text,"
            + " policy_version text, body text)");
    try (Connection c = db.ownerDataSource().getConnection();
        PreparedStatement insert =
            c.prepareStatement("INSERT INTO impact_template VALUES (?, ?, ?, ?, ?)")) {
      for (int i = 0; i < requests.size(); i++) {
        PolicyRequest request = requests.get(i);
        PolicyDecision decision = recorded.get(i);
        boolean allows = allows(decision);
        AuditEntry.Builder entry =
            AuditEntry.decision(request.requester().peerId(), allows ? "allow" : "deny")
                .requestHash(String.format(Locale.ROOT, "%064x", i))
                .policyVersion("sha256:" + "ab".repeat(32))
                .detail("reason", allows ? "allowed" : "policy_deny")
                .detail("front_door", "udp")
                .detail("purpose", request.purpose())
                .detail("ttl_ms", Long.toString(allows ? decision.grantedTtlMs() : 0))
                .detail("policy_reason", decision.reason().wire());
        RecordedFacts.details(request, AuditEntry.MAX_DETAIL_LENGTH).forEach(entry::detail);
        if (request.target().member() != null) {
          entry.peerDetail(RecordedFacts.TARGET_MEMBER, request.target().member());
        }
        if (!decision.matchedRuleIds().isEmpty()) {
          entry.explanation(String.join(",", decision.matchedRuleIds()));
        }
        String subject = pseudonyms.get(request.requester().peerId());
        byte[] body = EntryFormat.encode(entry.build(), 0, BASE, subject, pseudonyms::get);
        insert.setInt(1, i);
        insert.setString(2, subject);
        insert.setString(3, allows ? "allow" : "deny");
        insert.setString(4, "sha256:" + "ab".repeat(32));
        insert.setString(5, new String(body, StandardCharsets.UTF_8));
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static String child(String... args) throws IOException, InterruptedException {
    return BoundedHeap.run(ImpactMillionChild.class, List.of(HEAP), args);
  }
}
