package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.audit.bundle.BundleFormat;
import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.hsip.Fixtures;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports are ranges of the signed tree, {@code [from_size, to_size)} between two signed
 * checkpoints, and the verifier proves the bundle holds exactly those leaves. A time window is
 * resolved to such a range by the checkpoints' signed times, so the unhashed {@code recorded_at}
 * column cannot move an entry out of an export.
 */
class AuditExportRangeTest {

  private static final SigningKey GATEWAY = Fixtures.RESPONDER;

  @TempDir Path dir;
  private AuditFixture log;

  @BeforeEach
  void log() {
    log = new AuditFixture(AuditDatabase.create("audit_range"), GATEWAY);
  }

  @AfterEach
  void drop() {
    log.close();
  }

  @Test
  void aRangeOfTwoCheckpointSizesHoldsExactlyThoseLeavesAndVerifies() throws IOException {
    log.append(5);
    log.integrateRound();
    log.append(4);
    log.integrateRound();
    log.append(3);
    log.integrateRound();
    Path bundle = dir.resolve("middle.zip");

    var summary = log.exportSizes(bundle, 5L, 9L, null);

    assertThat(summary.firstLeaf()).isEqualTo(5);
    assertThat(summary.endLeaf()).isEqualTo(9);
    assertThat(summary.entries()).isEqualTo(4);
    assertThat(summary.treeSize()).isEqualTo(12);
    Map<String, byte[]> files = AuditTamperTest.read(bundle);
    assertThat(CanonicalJson.parseObject(files.get(BundleFormat.MANIFEST)).path("format").asText())
        .isEqualTo("hsip-audit-bundle/2");
    assertThat(
            CanonicalJson.parseObject(files.get(BundleFormat.PROOF))
                .path("start_checkpoint")
                .asText())
        .contains("\n5\n");
    AuditFixture.CliRun run =
        AuditFixture.verify(bundle.toString(), "--key", GATEWAY.publicKey().hex());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains(
            "ok       the signed checkpoints at the range's boundaries (tree sizes 5 and 9) are"
                + " consistent")
        .contains(
            "ok       the entries are exactly the leaves [5, 9) of the log signed by this key: the"
                + " frontier is the signed checkpoint of size 5, and the entries recompute the"
                + " signed checkpoint of size 9")
        .contains("VERIFIED: 4 entries (leaves 5 to 9 of tree size 12)");
  }

  @Test
  void theDefaultRangeIsTheWholeSignedLog() throws IOException {
    log.append(7);
    log.integrateRound();
    Path bundle = dir.resolve("all.zip");

    var summary = log.exportSizes(bundle, null, null, null);

    assertThat(summary.firstLeaf()).isZero();
    assertThat(summary.endLeaf()).isEqualTo(7);
    assertThat(
            AuditFixture.verify(bundle.toString(), "--key", GATEWAY.publicKey().hex()).exitCode())
        .isZero();
  }

  @Test
  void boundsThatAreNotSignedCheckpointSizesAreRefused() throws IOException {
    log.append(5);
    log.integrateRound();
    log.append(4);
    log.integrateRound();
    Path bundle = dir.resolve("refused.zip");

    for (long[] range : new long[][] {{3, 9}, {5, 8}, {5, 10}, {9, 5}, {-1, 5}}) {
      assertThatThrownBy(() -> log.exportSizes(bundle, range[0], range[1], null))
          .as("[%d, %d)", range[0], range[1])
          .isInstanceOfSatisfying(
              ProblemException.class,
              e -> {
                assertThat(e.type().toString()).endsWith("/invalid-export-range");
                assertThat(e.status()).isEqualTo(400);
              });
    }
    assertThat(log.db.queryLong("SELECT count(*) FROM audit_export")).isZero();
  }

  @Test
  void anInsiderShiftingBoundaryEntriesOutOfTheWindowChangesNothingInTheExport() throws Exception {
    log.append(3);
    log.integrateRound();
    Thread.sleep(10);
    Instant from = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
    Thread.sleep(5);
    log.append(4);
    Thread.sleep(5);
    Instant to = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
    Thread.sleep(10);
    log.integrateRound();
    log.append(2);
    log.integrateRound();
    Path honest = dir.resolve("honest.zip");
    var before = log.export(honest, from, to, null);
    assertThat(before.firstLeaf()).isEqualTo(3);
    assertThat(before.endLeaf()).isEqualTo(7);

    // An insider with the owner's connection moves the first and the last entry of the window out
    // of it, in the column that chose windows before (it is not hashed, so nothing signed changes).
    log.db.execute(
        "ALTER TABLE audit_entry DISABLE TRIGGER USER",
        "UPDATE audit_entry SET recorded_at = recorded_at - interval '1 hour' WHERE leaf_index = 3",
        "UPDATE audit_entry SET recorded_at = recorded_at + interval '1 hour' WHERE leaf_index = 6",
        "ALTER TABLE audit_entry ENABLE TRIGGER USER");
    Path shifted = dir.resolve("shifted.zip");
    var after = log.export(shifted, from, to, null);

    assertThat(after.firstLeaf()).isEqualTo(3);
    assertThat(after.endLeaf()).isEqualTo(7);
    assertThat(entries(shifted)).isEqualTo(entries(honest));
    AuditFixture.CliRun run =
        AuditFixture.verify(shifted.toString(), "--key", GATEWAY.publicKey().hex());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("starts within the range: its start checkpoint (size 3) was signed at")
        .contains("ends within the range: its end checkpoint (size 7) was signed at");
  }

  @Test
  void withoutThePreviousBundleTheVerifierWarnsThatTruncationWasNotChecked() throws IOException {
    log.append(6);
    log.integrateRound();
    Path first = dir.resolve("first.zip");
    log.exportSizes(first, null, null, null);
    log.append(3);
    log.integrateRound();
    Path second = dir.resolve("second.zip");
    log.exportSizes(second, 6L, null, null);

    AuditFixture.CliRun alone =
        AuditFixture.verify(second.toString(), "--key", GATEWAY.publicKey().hex());
    assertThat(alone.exitCode()).as(alone.output()).isZero();
    assertThat(alone.output()).contains("WARNING  truncation not checked: no --previous bundle");

    AuditFixture.CliRun withPrevious =
        AuditFixture.verify(
            second.toString(), "--key", GATEWAY.publicKey().hex(), "--previous", first.toString());
    assertThat(withPrevious.exitCode()).as(withPrevious.output()).isZero();
    assertThat(withPrevious.output())
        .doesNotContain("truncation not checked")
        .contains("ok       the previous bundle's anchor is the checkpoint this bundle extends");
  }

  @Test
  void formatOneBundlesStillVerifyWithAWarning() throws Exception {
    Path first = resource("first.zip");
    Path second = resource("second.zip");

    AuditFixture.CliRun run =
        AuditFixture.verify(
            second.toString(), "--key", GATEWAY.publicKey().hex(), "--previous", first.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("WARNING  format hsip-audit-bundle/1: the range was chosen by recording times")
        .contains(
            "ok       start witness (leaf 2) is in the anchor tree and lies before the window")
        .doesNotContain("truncation not checked");
  }

  @Test
  void aTamperedFormatOneBundleStillFails() throws Exception {
    Map<String, byte[]> files = AuditTamperTest.read(resource("second.zip"));
    byte[] entries = files.get(BundleFormat.ENTRIES);
    String text = new String(entries, java.nio.charset.StandardCharsets.UTF_8);
    files.put(
        BundleFormat.ENTRIES,
        text.replaceFirst("\"carol\"", "\"carl\"")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Path tampered = dir.resolve("tampered-v1.zip");
    AuditTamperTest.write(tampered, files);

    AuditFixture.CliRun run =
        AuditFixture.verify(tampered.toString(), "--key", GATEWAY.publicKey().hex());

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains("entries.jsonl does not match the digest in the signed manifest");
  }

  private Path resource(String name) throws IOException {
    Path file = dir.resolve("v1-" + name);
    try (InputStream in = getClass().getResourceAsStream("/audit/bundle-v1/" + name)) {
      Files.copy(java.util.Objects.requireNonNull(in, name), file);
    }
    return file;
  }

  private static String entries(Path bundle) throws IOException {
    try (ZipFile zip = new ZipFile(bundle.toFile());
        InputStream in = zip.getInputStream(zip.getEntry(BundleFormat.ENTRIES))) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
