package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsip.policygateway.audit.bundle.BundleFormat;
import io.hsip.policygateway.audit.internal.EntryWriter;
import io.hsip.policygateway.hsip.Fixtures;
import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An export of a window holds every entry recorded in it, with proofs, and verifies offline. */
class AuditExportWindowTest {

  private static final SigningKey GATEWAY = Fixtures.RESPONDER;

  @TempDir Path dir;
  private AuditFixture log;

  @BeforeEach
  void log() {
    log = new AuditFixture(AuditDatabase.create("audit_window"), GATEWAY);
  }

  @AfterEach
  void drop() {
    log.close();
  }

  @Test
  void aWindowEndingAtTheLastEntryHoldsEveryEntryIncludingThoseAfterTheLastCheckpoint()
      throws IOException {
    log.append(10);
    log.integrateRound();
    log.append(5);
    Instant last =
        Instant.ofEpochMilli(
            log.db.queryLong(
                "SELECT (extract(epoch FROM max(recorded_at)) * 1000)::bigint FROM audit_entry"));
    Path bundle = dir.resolve("bundle.zip");

    var summary = log.export(bundle, Instant.EPOCH, last.plusMillis(1), null);

    assertThat(summary.entries()).isEqualTo(15);
    assertThat(summary.complete()).isTrue();
    assertThat(entryLines(bundle)).isEqualTo(15);
    AuditFixture.CliRun run =
        AuditFixture.verify(bundle.toString(), "--key", GATEWAY.publicKey().hex());
    assertThat(run.exitCode()).as(run.output()).isZero();
  }

  @Test
  void anInWindowEntryIntegratedAfterALaterRecordedOneIsNotDropped() throws IOException {
    // Two writers (two replicas, or two batches in flight) stamp their batches out of seq order:
    // leaf 0 is recorded at t+10, leaf 1 at t+5. The window [t, t+10) holds leaf 1 only.
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    appendAt(t.plusMillis(10), "late-stamp");
    appendAt(t.plusMillis(5), "in-window");
    log.integrateRound();
    Path bundle = dir.resolve("bundle.zip");

    var summary = log.export(bundle, t, t.plusMillis(10), null);

    assertThat(summary.entries()).isEqualTo(2);
    assertThat(entriesText(bundle)).contains("\"action\":\"in-window\"");
    AuditFixture.CliRun run =
        AuditFixture.verify(bundle.toString(), "--key", GATEWAY.publicKey().hex());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("VERIFIED: 2 entries (leaves 0 to 2 of tree size 2)");
  }

  @Test
  void theWindowIsResolvedToTheCheckpointsSignedAroundItWhateverTheRecordingTimes()
      throws IOException {
    // Leaf times out of order: 0 after the window, 1 inside it, 2 before it (a late commit), 3
    // after it. All are in one round, whose checkpoint was signed after the window: the range is
    // that whole round, bounded by signed checkpoints, not by recording times.
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    appendAt(t.plusMillis(20), "after-1");
    appendAt(t.plusMillis(5), "in-window");
    appendAt(t.minusMillis(5), "before");
    appendAt(t.plusMillis(30), "after-2");
    log.integrateRound();
    Path bundle = dir.resolve("bundle.zip");

    var summary = log.export(bundle, t, t.plusMillis(10), null);

    assertThat(summary.firstLeaf()).isZero();
    assertThat(summary.endLeaf()).isEqualTo(4);
    AuditFixture.CliRun run =
        AuditFixture.verify(bundle.toString(), "--key", GATEWAY.publicKey().hex());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains(
            "ok       the window 2026-01-01T00:00:00.000Z to 2026-01-01T00:00:00.010Z starts within"
                + " the range: the range starts at the empty tree")
        .contains("ends within the range: its end checkpoint (size 4) was signed at");
  }

  @Test
  void aManifestReSignedForALaterWindowIsReportedAsReachingBeyondTheRange() throws IOException {
    // A dishonest operator holds the key and re-signs an honest bundle's manifest for a window
    // after the range's end checkpoint, claiming it is empty. The range stays what the signed
    // checkpoints bound, and the verifier says the window reaches beyond it.
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    appendAt(t.plusMillis(6), "in-first-window");
    appendAt(t, "before");
    log.integrateRound();
    Path honest = dir.resolve("honest.zip");
    assertThat(log.export(honest, t.plusMillis(5), t.plusMillis(10), null).endLeaf()).isEqualTo(2);

    Map<String, byte[]> files = AuditTamperTest.read(honest);
    ObjectNode manifest = CanonicalJson.parseObject(files.get(BundleFormat.MANIFEST));
    Instant future =
        Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    manifest.put("window_from", EntryFormat.formatTime(future));
    manifest.put("window_to", EntryFormat.formatTime(future.plusMillis(10)));
    manifest.put("entries_in_window", 0);
    byte[] manifestBytes = CanonicalJson.encode(manifest);
    files.put(BundleFormat.MANIFEST, manifestBytes);
    files.put(
        BundleFormat.MANIFEST_SIGNATURE,
        (LowerHex.encode(GATEWAY.sign(manifestBytes)) + "\n").getBytes(StandardCharsets.US_ASCII));
    Path forged = dir.resolve("forged.zip");
    AuditTamperTest.write(forged, files);

    AuditFixture.CliRun run =
        AuditFixture.verify(forged.toString(), "--key", GATEWAY.publicKey().hex());
    assertThat(run.output())
        .contains(
            "WARNING  the window "
                + EntryFormat.formatTime(future)
                + " to "
                + EntryFormat.formatTime(future.plusMillis(10))
                + " reaches beyond the range: its end checkpoint (size 2) was signed at ")
        .contains("entries integrated later are not in this bundle");
  }

  @Test
  void thePreviousBundleIsCheckedWithoutAFalseForkAlarm() throws IOException {
    log.append(10);
    Path first = dir.resolve("first.zip");
    log.exportAll(first);
    // The first export ever: there is no previous export, and comparing it with itself is no fork.
    AuditFixture.CliRun alone =
        AuditFixture.verify(
            first.toString(), "--key", GATEWAY.publicKey().hex(), "--previous", first.toString());
    assertThat(alone.exitCode()).as(alone.output()).isZero();
    assertThat(alone.output()).doesNotContain("forked");

    log.append(5);
    log.exportAll(dir.resolve("second.zip"));
    log.append(5);
    Path third = dir.resolve("third.zip");
    log.exportAll(third);
    // The gateway's default proves consistency from the last export (the second); the auditor holds
    // the first.
    AuditFixture.CliRun run =
        AuditFixture.verify(
            third.toString(), "--key", GATEWAY.publicKey().hex(), "--previous", first.toString());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .doesNotContain("forked")
        .contains(
            "ok       the previous bundle's anchor (tree size 10) is a signed checkpoint of this bundle that its"
                + " entries recompute: the log only grew since");
  }

  private void appendAt(Instant time, String action) {
    EntryWriter writer =
        new EntryWriter(
            log.db.dataSource(),
            log.macKey,
            AuditFixture.subjectKeys(),
            Clock.fixed(time, ZoneOffset.UTC),
            10,
            10,
            AuditFixture.IGNORE);
    writer.start();
    try {
      writer.submit(AuditEntry.adminChange("alice", action).build()).join();
    } finally {
      writer.close();
    }
  }

  private static long entryLines(Path bundle) throws IOException {
    return entriesText(bundle).lines().count();
  }

  private static String entriesText(Path bundle) throws IOException {
    try (ZipFile zip = new ZipFile(bundle.toFile());
        InputStream in = zip.getInputStream(zip.getEntry("entries.jsonl"))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
