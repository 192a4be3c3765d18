package io.hsip.policygateway.policy.impact;

import io.hsip.policygateway.BoundedHeap;
import io.hsip.policygateway.audit.AuditDatabase;
import io.hsip.policygateway.audit.AuditFixture;
import io.hsip.policygateway.audit.EntryPages;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.compile.PolicyLimits;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A JVM started with a small {@code -Xmx} by {@link PolicyImpactMillionTest}: {@code <schema>
 * <draft file> <from> <to>} replays the schema's recorded decisions against the draft, prints the
 * counts as {@code IMPACT name=value} lines and one {@code RESULT} line with the time taken and the
 * peak heap (sum of heap pools) and resident memory of this process.
 */
public final class ImpactMillionChild {

  private ImpactMillionChild() {}

  /** Runs the replay. */
  public static void main(String[] args) throws Exception {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    long start = System.nanoTime();
    CompiledPolicy draft =
        new PolicyCompiler(PolicyLimits.DEFAULTS)
            .compile(Files.readString(Path.of(args[1])))
            .orThrow();
    ImpactReport report;
    try (AuditDatabase db = AuditDatabase.attach(args[0], 2)) {
      Map<String, String> peers = new HashMap<>();
      try (Connection c = db.dataSource().getConnection()) {
        AuditFixture.subjectKeys()
            .findAll(c, ImpactReplay.namedPeerIds(draft))
            .forEach((peer, key) -> peers.put(key.pseudonym(peer), peer));
      }
      ImpactReplay.Settings defaults = ImpactReplay.Settings.DEFAULTS;
      report =
          new ImpactReplay(
                  new EntryPages(db.dataSource()),
                  new ImpactReplay.Settings(
                      defaults.pageSize(),
                      Duration.ofMinutes(10),
                      defaults.maxGroups(),
                      defaults.reportedGroups(),
                      defaults.samplesPerGroup()),
                  System::nanoTime)
              .run(draft, peers, Instant.parse(args[2]), Instant.parse(args[3]));
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    out.println("IMPACT complete=" + report.complete());
    out.println("IMPACT decisions=" + report.decisions());
    out.println("IMPACT replayed=" + report.replayed());
    report.changes().forEach((change, n) -> out.println("IMPACT change." + change + "=" + n));
    report.notReplayed().forEach((why, n) -> out.println("IMPACT skipped." + why + "=" + n));
    out.println(
        "IMPACT groups="
            + report.groups().stream()
                .map(g -> g.change() + ":" + g.recordedRules() + "->" + g.draftRules())
                .toList());
    out.println(
        String.format(
            Locale.ROOT,
            "RESULT impact of %d recorded decisions (%d changed) in %d ms (replay %d ms), %s",
            report.decisions(),
            report.changed(),
            ms,
            report.durationMs(),
            BoundedHeap.memory()));
    out.flush();
    System.exit(0);
  }
}
