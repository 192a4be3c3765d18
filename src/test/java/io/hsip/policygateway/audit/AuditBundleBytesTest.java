package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.audit.internal.BundleWriter;
import io.hsip.policygateway.audit.internal.EntryWriter;
import io.hsip.policygateway.audit.internal.TreeIntegrator;
import io.hsip.policygateway.hsip.Fixtures;
import io.hsip.policygateway.hsip.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bytes of every file of an export bundle, pinned: auditors keep bundles and compare them, and
 * the documented verification procedure recomputes their digests, so a refactoring of the writer
 * must not change a single byte. Every input is fixed (clocks, key, a fresh schema whose sequence
 * starts at 1), so the files are reproducible; only the ZIP container (entry timestamps) is not,
 * and is not pinned.
 */
class AuditBundleBytesTest {

  private static final Instant T = Instant.parse("2026-01-31T12:00:00Z");

  @TempDir Path dir;
  private AuditFixture log;
  private TreeIntegrator integrator;

  @BeforeEach
  void log() {
    log = new AuditFixture(AuditDatabase.create("audit_bytes"), Fixtures.RESPONDER);
    integrator =
        new TreeIntegrator(
            log.db.dataSource(),
            log.tiles,
            () -> log.key,
            AuditFixture.ORIGIN,
            Clock.fixed(T.plusSeconds(60), ZoneOffset.UTC),
            50_000);
  }

  @AfterEach
  void drop() {
    log.close();
  }

  @Test
  void theFilesOfABundleAreExactlyTheOnesPinned() throws IOException {
    appendAt(T.minusMillis(5), AuditEntry.adminChange("alice", "before").outcome("ok").build());
    appendAt(
        T.plusMillis(5),
        AuditEntry.builder(AuditKind.DECISION, "gateway", "consent.decide")
            .outcome("deny")
            .policyVersion("sha256:" + "ab".repeat(32))
            .requestHash("cd".repeat(32))
            .trace("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")
            .explanation("rules/\"0\"\n\u20ac")
            .build());
    assertThat(integrator.integrateOnce(true)).isPresent();
    appendAt(
        T.plusMillis(7),
        AuditEntry.adminChange("bob", "in-window").detail("k", "v").detail("a", "é").build());
    appendAt(T.plusMillis(20), AuditEntry.adminChange("carol", "after").build());
    assertThat(integrator.integrateOnce(true)).isPresent();
    Path first = dir.resolve("first.zip");
    export(first, T, T.plusMillis(10));
    appendAt(T.plusMillis(30), AuditEntry.adminChange("dave", "later").build());
    assertThat(integrator.integrateOnce(true)).isPresent();
    Path second = dir.resolve("second.zip");
    export(second, T.plusMillis(10), T.plusMillis(40));

    Map<String, String> digests = new TreeMap<>();
    digests.putAll(digests(first));
    digests.putAll(digests(second));
    assertThat(digests)
        .isEqualTo(
            Map.ofEntries(
                Map.entry(
                    "first.zip/checkpoints.jsonl",
                    "8486414f1c262ea41ee25082f5a38432f47e2fa821931ca122b66ec0b4f73458"),
                Map.entry(
                    "first.zip/entries.jsonl",
                    "9553a9518d16d52a85cbadbf7c06fe5b891932f720cd460e722bc1246609decd"),
                Map.entry(
                    "first.zip/gateway-key.json",
                    "36694ae05387ef043a8f542773f86156efe3a13a2e9cf3974fef54b24c2c2c7b"),
                Map.entry(
                    "first.zip/manifest.json",
                    "4e0094eb56ea67aa7802e34bb08c3d33b80735b2178e307fdd4c2064a9762e61"),
                Map.entry(
                    "first.zip/manifest.sig",
                    "14ebbfba31f7ef838484e05891448f50ae05dfd4107001fc653cfb0e28c17fd1"),
                Map.entry(
                    "first.zip/proof.json",
                    "a2f047c4f9f8cb28da92162103e2c68c34ef9e1b074bac8cb51af1ff240715cb"),
                Map.entry(
                    "second.zip/checkpoints.jsonl",
                    "5ae72a37309c8a064e60585653025218e39f6c2e126dca922657ac496bdff473"),
                Map.entry(
                    "second.zip/entries.jsonl",
                    "f1be8139983da5490f1b5f438fa11f9bbc27f3e5597ab2be487125dba3bc95db"),
                Map.entry(
                    "second.zip/gateway-key.json",
                    "36694ae05387ef043a8f542773f86156efe3a13a2e9cf3974fef54b24c2c2c7b"),
                Map.entry(
                    "second.zip/manifest.json",
                    "4e6cca0ba81fea49d4c474f2c12753ade12bb44544a562fb70b1a5e40ec45d06"),
                Map.entry(
                    "second.zip/manifest.sig",
                    "1557cc1a1b91f9c4e669908f351a57a5227172ce0467865a365c594a1b7e6d01"),
                Map.entry(
                    "second.zip/proof.json",
                    "3cdf300c9dbe6ed928c7ab9b94f488979ff29b3bacefbc633a779ddf35de683e")));
    assertThat(
            AuditFixture.verify(
                    second.toString(),
                    "--key",
                    log.key.publicKey().hex(),
                    "--previous",
                    first.toString())
                .exitCode())
        .isZero();
  }

  private void export(Path file, Instant from, Instant to) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      new BundleWriter(
              log.db.dataSource(),
              log.tiles,
              integrator,
              log.key,
              AuditFixture.ORIGIN,
              Clock.fixed(T.plusSeconds(120), ZoneOffset.UTC),
              2)
          .write(new AuditExports.Request(from, to, null, "auditor"), out);
    }
  }

  private void appendAt(Instant time, AuditEntry entry) {
    EntryWriter writer =
        new EntryWriter(
            log.db.dataSource(),
            AuditFixture.subjectKeys(),
            Clock.fixed(time, ZoneOffset.UTC),
            10,
            10,
            AuditFixture.IGNORE);
    writer.start();
    try {
      writer.submit(entry).join();
    } finally {
      writer.close();
    }
  }

  private static Map<String, String> digests(Path bundle) throws IOException {
    Map<String, String> digests = new TreeMap<>();
    AuditTamperTest.read(bundle)
        .forEach(
            (name, bytes) -> {
              digests.put(bundle.getFileName() + "/" + name, Sha256.hex(bytes));
            });
    return digests;
  }
}
