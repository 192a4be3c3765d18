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
 * The bytes of every file of an export bundle (format 2), pinned: auditors keep bundles and compare
 * them, and the documented verification procedure recomputes their digests, so a refactoring of the
 * writer must not change a single byte. Every input is fixed (clocks, key, a fresh schema whose
 * sequence starts at 1), so the files are reproducible; only the ZIP container (entry timestamps)
 * is not, and is not pinned. The format 1 bundles this test pinned before are kept in {@code
 * src/test/resources/audit/bundle-v1} and must still verify ({@code AuditExportRangeTest}).
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
                    "558b238811ddef94c960a1e7df00bacd2fbc6e13b824e741182a3ec3cad89bdd"),
                Map.entry(
                    "first.zip/entries.jsonl",
                    "0e29ce05ad3b76fee79d0506ab97704d78d93433580f28e596d7613efee36372"),
                Map.entry(
                    "first.zip/gateway-key.json",
                    "36694ae05387ef043a8f542773f86156efe3a13a2e9cf3974fef54b24c2c2c7b"),
                Map.entry(
                    "first.zip/manifest.json",
                    "04c751d6ecb971d18e8687a2c37c62a353761a11699e204a582b09ff810c1ca1"),
                Map.entry(
                    "first.zip/manifest.sig",
                    "abde9915d957b064c8c480e9782ff3a4edf31e3b1d4e6a2ab3b1bcd157fe56c7"),
                Map.entry(
                    "first.zip/proof.json",
                    "bdf8925496efa774475b4ed8b4ac835f779ffa3d47ed03fe7fa406bcd9e1b601"),
                Map.entry(
                    "second.zip/checkpoints.jsonl",
                    "d553201eff1a6978384131ef3b56a644289adc429045bb6627dad0e7a9f4ab31"),
                Map.entry(
                    "second.zip/entries.jsonl",
                    "a5a67084bec1933394bc880566d852e8bf4bf4500a03fa39ecc61ce4fbdb17f2"),
                Map.entry(
                    "second.zip/gateway-key.json",
                    "36694ae05387ef043a8f542773f86156efe3a13a2e9cf3974fef54b24c2c2c7b"),
                Map.entry(
                    "second.zip/manifest.json",
                    "0fc9bc32f9472e448b54b82ffded5d7caae62a419fec7a666566bbac47f600d5"),
                Map.entry(
                    "second.zip/manifest.sig",
                    "663a6e16210584e55535e5bfcba952e7ac4def7004bb57c0c8797286c925195c"),
                Map.entry(
                    "second.zip/proof.json",
                    "1ae6094038e9699b6d156354aba5bc2f69654c65d8763b1f1d3f9dc7d9736f73")));
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
    integrator.integratePending(true);
    try (OutputStream out = Files.newOutputStream(file)) {
      new BundleWriter(
              log.db.dataSource(),
              log.tiles,
              null,
              log.key,
              AuditFixture.ORIGIN,
              Clock.fixed(T.plusSeconds(120), ZoneOffset.UTC),
              2)
          .write(AuditExports.Request.window(from, to, null, "auditor"), out);
    }
  }

  private void appendAt(Instant time, AuditEntry entry) {
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
