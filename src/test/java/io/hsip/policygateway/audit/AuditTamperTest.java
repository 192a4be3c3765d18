package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.audit.bundle.BundleFormat;
import io.hsip.policygateway.hsip.Fixtures;
import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampering on the real PostgreSQL, by an insider who owns the tables (and so can switch the
 * append-only triggers off), is caught by the offline verifier with a precise message. The log has
 * 35 entries in four integration rounds: checkpoints at tree sizes 10, 20, 30 and 35.
 */
class AuditTamperTest {

  private static final SigningKey GATEWAY = Fixtures.RESPONDER;
  private static final SigningKey ATTACKER = Fixtures.REQUESTER;

  @TempDir Path dir;
  private AuditFixture log;

  @BeforeEach
  void log() {
    log = new AuditFixture(AuditDatabase.create("audit_tamper"), GATEWAY);
    for (int round = 0; round < 3; round++) {
      log.append(10);
      log.integrateRound();
    }
    log.append(5);
    log.integrateRound();
  }

  @AfterEach
  void drop() {
    log.close();
  }

  private AuditFixture.CliRun exportAndVerify() throws IOException {
    Path bundle = dir.resolve("bundle.zip");
    log.exportAll(bundle);
    return AuditFixture.verify(bundle.toString(), "--key", GATEWAY.publicKey().hex());
  }

  private void insider(String... sql) {
    String[] all = new String[sql.length + 2];
    all[0] = "ALTER TABLE audit_entry DISABLE TRIGGER USER";
    all[1] = "ALTER TABLE audit_checkpoint DISABLE TRIGGER USER";
    System.arraycopy(sql, 0, all, 2, sql.length);
    log.db.execute(all);
  }

  @Test
  void untouchedLogVerifies() throws IOException {
    AuditFixture.CliRun run = exportAndVerify();
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains(
            "ok       35 entries are canonical, complete and in leaf order; they recompute all 4 signed checkpoint roots")
        .contains("VERIFIED: 35 entries (leaves 0 to 35 of tree size 35), 4 checkpoints");
  }

  @Test
  void theTriggersStopTheApplicationFromRewritingHistory() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> log.db.execute("UPDATE audit_entry SET actor = 'x'"))
        .hasMessageContaining("audit tables are append-only (UPDATE on audit_entry)");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> log.db.execute("DELETE FROM audit_entry"))
        .hasMessageContaining("audit tables are append-only (DELETE on audit_entry)");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> log.db.execute("DELETE FROM audit_checkpoint"))
        .hasMessageContaining("audit tables are append-only (DELETE on audit_checkpoint)");
  }

  @Test
  void updatingAFieldIsDetected() throws IOException {
    long seq = log.db.queryLong("SELECT seq FROM audit_entry WHERE leaf_index = 13");
    insider(
        "UPDATE audit_entry SET body = convert_to(replace(convert_from(body, 'UTF8'), '\"outcome\":\"deny\"',"
            + " '\"outcome\":\"allow\"'), 'UTF8'), outcome = 'allow' WHERE leaf_index = 13");
    AuditFixture.CliRun run = exportAndVerify();
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains(
            "PROBLEM  leaf 13 (seq "
                + seq
                + "): the entry does not hash to the leaf the tree integrated")
        .contains("it was altered or moved after integration")
        .contains("PROBLEM  checkpoint of tree size 20 (signed ")
        .contains("an entry of the round ending there was altered, removed or reordered")
        .contains("NOT VERIFIED");
  }

  @Test
  void deletingARowIsDetected() throws IOException {
    insider("DELETE FROM audit_entry WHERE leaf_index = 7");
    AuditFixture.CliRun run = exportAndVerify();
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains(
            "PROBLEM  entries.jsonl line 8: leaf index 8, expected 7: leaf 7 is missing (entries deleted)");
  }

  @Test
  void reorderingTwoEntriesIsDetected() throws IOException {
    long first = log.db.queryLong("SELECT seq FROM audit_entry WHERE leaf_index = 22");
    long second = log.db.queryLong("SELECT seq FROM audit_entry WHERE leaf_index = 25");
    insider(
        "UPDATE audit_entry SET leaf_index = -1 WHERE leaf_index = 22",
        "UPDATE audit_entry SET leaf_index = 22 WHERE leaf_index = 25",
        "UPDATE audit_entry SET leaf_index = 25 WHERE leaf_index = -1");
    AuditFixture.CliRun run = exportAndVerify();
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains(
            "PROBLEM  leaf 22 (seq "
                + second
                + "): the entry does not hash to the leaf the tree integrated")
        .contains(
            "PROBLEM  leaf 25 (seq "
                + first
                + "): the entry does not hash to the leaf the tree integrated")
        .contains("entries are out of order (rounds number leaves in ascending seq)")
        .contains("PROBLEM  checkpoint of tree size 30 (signed ");
  }

  @Test
  void truncatingTheTailIsDetected() throws IOException {
    insider("DELETE FROM audit_entry WHERE leaf_index >= 32");
    AuditFixture.CliRun run = exportAndVerify();
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains(
            "PROBLEM  entries.jsonl ends at leaf 31 but the range runs to leaf 34: leaves 32 to 34 are missing (the log was truncated)");
  }

  @Test
  void rollingTheWholeLogBackIsDetectedAgainstThePreviousExport() throws IOException {
    Path earlier = dir.resolve("earlier.zip");
    log.exportAll(earlier);
    // A thorough insider removes the tail with its checkpoints and tiles, so the log looks whole at
    // size 20.
    insider(
        "DELETE FROM audit_entry WHERE leaf_index >= 20",
        "DELETE FROM audit_checkpoint WHERE tree_size > 20");
    Path later = dir.resolve("later.zip");
    log.exportAll(later);
    AuditFixture.CliRun run =
        AuditFixture.verify(
            later.toString(), "--key", GATEWAY.publicKey().hex(), "--previous", earlier.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains(
            "PROBLEM  the previous export covered tree size 35 but the log now has only 20 leaves:"
                + " the log was truncated or rolled back")
        .contains("PROBLEM  the previous bundle's anchor (tree size 35, root ");
  }

  @Test
  void forgingACheckpointIsDetected() throws IOException {
    // The forger claims the round ended one entry later, keeping the old signature.
    insider(
        "UPDATE audit_checkpoint SET note = replace(note, E'\\n20\\n', E'\\n21\\n') WHERE tree_size = 20");
    AuditFixture.CliRun run = exportAndVerify();
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains(
            "PROBLEM  checkpoints.jsonl line 2: checkpoint signature does not verify under the gateway key: it was forged or altered");
  }

  @Test
  void aCheckpointSignedByAnotherKeyIsDetected() throws IOException {
    String note =
        io.hsip.policygateway.hsip.transparency.Checkpoints.sign(
            io.hsip.policygateway.hsip.transparency.Checkpoint.create(
                AuditFixture.ORIGIN, 35, new byte[32], 1),
            ATTACKER);
    insider("UPDATE audit_checkpoint SET note = '" + note + "' WHERE tree_size = 35");
    AuditFixture.CliRun run = exportAndVerify();
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains(
            "PROBLEM  anchor checkpoint: checkpoint key id does not match the gateway key: it was forged or altered");
  }

  @Test
  void replacingThePublicKeyInTheBundleIsDetected() throws IOException {
    Path bundle = dir.resolve("bundle.zip");
    log.exportAll(bundle);
    Map<String, byte[]> files = read(bundle);
    files.put(BundleFormat.KEY, keyFile(ATTACKER));
    Path swapped = dir.resolve("swapped.zip");
    write(swapped, files);
    AuditFixture.CliRun run =
        AuditFixture.verify(swapped.toString(), "--key", GATEWAY.publicKey().hex());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains(
            "PROBLEM  the bundle's public key (PeerID "
                + ATTACKER.peerId().value()
                + ") is not the pinned gateway key (PeerID "
                + GATEWAY.peerId().value()
                + "): the bundle was not made by this gateway");
  }

  @Test
  void aBundleReSignedWithAnotherKeyFailsThePinnedKeyAndEveryCheckpoint() throws IOException {
    Path bundle = dir.resolve("bundle.zip");
    log.exportAll(bundle);
    Map<String, byte[]> files = read(bundle);
    files.put(BundleFormat.KEY, keyFile(ATTACKER));
    var manifest = CanonicalJson.parseObject(files.get(BundleFormat.MANIFEST));
    manifest.put("public_key_hex", ATTACKER.publicKey().hex());
    var digest =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            manifest.get("files").get(BundleFormat.KEY);
    digest.put("sha256", io.hsip.policygateway.hsip.Sha256.hex(files.get(BundleFormat.KEY)));
    digest.put("bytes", files.get(BundleFormat.KEY).length);
    byte[] manifestBytes = CanonicalJson.encode(manifest);
    files.put(BundleFormat.MANIFEST, manifestBytes);
    files.put(
        BundleFormat.MANIFEST_SIGNATURE,
        (LowerHex.encode(ATTACKER.sign(manifestBytes)) + "\n").getBytes(StandardCharsets.US_ASCII));
    Path resigned = dir.resolve("resigned.zip");
    write(resigned, files);

    AuditFixture.CliRun pinned =
        AuditFixture.verify(resigned.toString(), "--key", GATEWAY.publicKey().hex());
    assertThat(pinned.exitCode()).isEqualTo(1);
    assertThat(pinned.output())
        .contains(
            "PROBLEM  the bundle's public key (PeerID "
                + ATTACKER.peerId().value()
                + ") is not the pinned gateway key (PeerID "
                + GATEWAY.peerId().value()
                + "): the bundle was not made by this gateway");

    // Without a key of their own, auditors would check the attacker's bundle against the attacker's
    // key.
    AuditFixture.CliRun unpinned = AuditFixture.verify(resigned.toString());
    assertThat(unpinned.exitCode()).isEqualTo(2);
    assertThat(unpinned.output())
        .contains("audit verify needs the gateway's public key you trust")
        .doesNotContain("VERIFIED");
  }

  @Test
  void aPinnedKeyFileWorksLikeKeyAndAcceptsThePublicKeyDocument() throws IOException {
    Path bundle = dir.resolve("bundle.zip");
    log.exportAll(bundle);
    Path hex = dir.resolve("gateway.hex");
    Files.writeString(hex, GATEWAY.publicKey().hex() + "\n");
    AuditFixture.CliRun run = AuditFixture.verify(bundle.toString(), "--key-file", hex.toString());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("ok       the bundle's public key is the pinned gateway key");

    Path document = dir.resolve("public-key.json");
    Files.writeString(
        document,
        "{\"origin\":\""
            + AuditFixture.ORIGIN
            + "\",\"public_key_hex\":\""
            + ATTACKER.publicKey().hex()
            + "\",\"peer_id\":\""
            + ATTACKER.peerId().value()
            + "\"}");
    AuditFixture.CliRun wrong =
        AuditFixture.verify(bundle.toString(), "--key-file", document.toString());
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.output()).contains("is not the pinned gateway key");
  }

  private static byte[] keyFile(SigningKey key) {
    var node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    node.put("origin", AuditFixture.ORIGIN);
    node.put("peer_id", key.peerId().value());
    node.put("public_key_hex", key.publicKey().hex());
    return CanonicalJson.encode(node);
  }

  static Map<String, byte[]> read(Path zip) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (ZipFile file = new ZipFile(zip.toFile())) {
      for (ZipEntry entry : java.util.Collections.list(file.entries())) {
        try (InputStream in = file.getInputStream(entry)) {
          files.put(entry.getName(), in.readAllBytes());
        }
      }
    }
    return files;
  }

  static void write(Path zip, Map<String, byte[]> files) throws IOException {
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        z.putNextEntry(new ZipEntry(file.getKey()));
        z.write(file.getValue());
        z.closeEntry();
      }
    }
  }
}
