package io.hsip.policygateway.audit;

import io.hsip.policygateway.audit.internal.BundleWriter;
import io.hsip.policygateway.audit.internal.EntryMac;
import io.hsip.policygateway.audit.internal.EntryWriter;
import io.hsip.policygateway.audit.internal.SubjectKeys;
import io.hsip.policygateway.audit.internal.TileStore;
import io.hsip.policygateway.audit.internal.TreeIntegrator;
import io.hsip.policygateway.cli.HsipCli;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.transparency.EntryMacKey;
import io.hsip.policygateway.hsip.transparency.SubjectKek;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The audit machinery over one {@link AuditDatabase}, wired as the service wires it, for plain
 * tests.
 */
public final class AuditFixture implements AutoCloseable {

  /** The checkpoint origin the tests use. */
  public static final String ORIGIN = "hsip.io/policy-gateway/audit";

  /** A writer listener for tests that do not count commits and failures. */
  public static final EntryWriter.Listener IGNORE =
      new EntryWriter.Listener() {
        @Override
        public void committed(int count) {}

        @Override
        public void failed(int count, Exception cause) {}
      };

  /**
   * The key-encryption key of the tests' subject keys: fixed, so that child processes and the
   * benchmark read the keys the tests wrote.
   */
  public static final SubjectKek KEK = SubjectKek.fromBytes(new byte[SubjectKek.LENGTH]);

  /** Subject keys wrapped under {@link #KEK}, as the service wires them. */
  public static SubjectKeys subjectKeys() {
    return new SubjectKeys(() -> KEK, SubjectKeys.keyGenerator());
  }

  public final AuditDatabase db;
  public final SigningKey key;
  public final Supplier<EntryMacKey> macKey;
  public final TileStore tiles = new TileStore();
  public final EntryWriter writer;
  public final TreeIntegrator integrator;
  public final AtomicInteger batches = new AtomicInteger();
  public final AtomicInteger failures = new AtomicInteger();

  /** What the integrator refused, as {@code "<seq>: <reason>"}, in order. */
  public final List<String> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();

  public AuditFixture(AuditDatabase db, SigningKey key) {
    this.db = db;
    this.key = key;
    this.macKey = macKey(key);
    this.writer =
        new EntryWriter(
            db.dataSource(),
            macKey,
            AuditFixture.subjectKeys(),
            Clock.systemUTC(),
            2000,
            100_000,
            new EntryWriter.Listener() {
              @Override
              public void committed(int count) {
                batches.incrementAndGet();
              }

              @Override
              public void failed(int count, Exception cause) {
                failures.addAndGet(count);
              }
            });
    writer.start();
    this.integrator =
        new TreeIntegrator(
            db.dataSource(),
            tiles,
            () -> key,
            ORIGIN,
            Clock.systemUTC(),
            50_000,
            (seq, reason) -> refusals.add(seq + ": " + reason));
  }

  /**
   * The entry MAC key of the gateway with the signing key {@code key}, as the service derives it.
   */
  public static Supplier<EntryMacKey> macKey(SigningKey key) {
    return EntryMac.keys(() -> key);
  }

  /**
   * Appends {@code n} decision entries concurrently and waits for all commits; returns their seqs.
   */
  public List<Long> append(int n) {
    List<CompletableFuture<Long>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(
          writer.submit(
              AuditEntry.decision("I4MLJTQWUZ66GBMNYEP75Z2QSD", i % 3 == 0 ? "deny" : "allow")
                  .policyVersion("sha256:" + "ab".repeat(32))
                  .requestHash("cd".repeat(32))
                  .trace("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")
                  .explanation("rules/" + i)
                  .build()));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  /**
   * Inserts {@code entry} as the writer would store it under {@code seq} at {@code time}, with the
   * MAC {@code mac} under {@code keyId} (as an insider with INSERT could, given those values).
   */
  public void insertRow(long seq, Instant time, AuditEntry entry, byte[] mac, String keyId) {
    byte[] body = EntryFormat.encode(entry, seq, time, null);
    try (java.sql.Connection c = db.dataSource().getConnection();
        java.sql.PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO audit_entry (seq, recorded_at, kind, actor, outcome, policy_version,"
                    + " trace_id, body, mac, mac_key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setLong(1, seq);
      insert.setTimestamp(2, java.sql.Timestamp.from(time));
      insert.setString(3, entry.kind().wire());
      insert.setString(4, entry.actor());
      insert.setString(5, entry.outcome());
      insert.setString(6, entry.policyVersion());
      insert.setString(7, entry.traceId());
      insert.setBytes(8, body);
      insert.setBytes(9, mac);
      insert.setString(10, keyId);
      insert.executeUpdate();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The MAC the gateway with {@code signer}'s key gives {@code entry} stored under seq at time. */
  public static byte[] macOf(SigningKey signer, long seq, Instant time, AuditEntry entry) {
    return EntryMac.mac(
        macKey(signer).get(),
        new EntryMac.Fields(
            seq,
            time,
            entry.kind().wire(),
            entry.actor(),
            null,
            entry.outcome(),
            entry.policyVersion(),
            entry.traceId(),
            EntryFormat.encode(entry, seq, time, null)));
  }

  /** Inserts {@code entry} exactly as the gateway's writer would: a valid MAC under its key. */
  public void insertAuthentic(long seq, Instant time, AuditEntry entry) {
    insertRow(seq, time, entry, macOf(key, seq, time, entry), macKey.get().keyId());
  }

  /** One integration round, which must find pending entries; returns the new tree size. */
  public long integrateRound() {
    return integrator
        .integrateOnce(true)
        .orElseThrow(() -> new IllegalStateException("nothing was pending"))
        .treeSize();
  }

  /**
   * Exports the window {@code [from, to)} (resolved to signed checkpoints) into {@code file}, after
   * integrating what is pending, as the service does.
   */
  public AuditExports.Summary export(Path file, Instant from, Instant to, Long previous)
      throws IOException {
    return export(file, AuditExports.Request.window(from, to, previous, "test"));
  }

  /** Exports the tree-size range {@code [fromSize, toSize)} into {@code file}. */
  public AuditExports.Summary exportSizes(Path file, Long fromSize, Long toSize, Long previous)
      throws IOException {
    return export(file, AuditExports.Request.sizes(fromSize, toSize, previous, "test"));
  }

  /** Exports {@code request} into {@code file}, after integrating what is pending. */
  public AuditExports.Summary export(Path file, AuditExports.Request request) throws IOException {
    try {
      integrator.integratePending(true);
    } catch (io.hsip.policygateway.audit.internal.AuditStorageException
        | io.hsip.policygateway.audit.internal.TreeInconsistencyException e) {
      // As AuditExports: a damaged tree stops integration, and the export still shows what is
      // signed, counting what is not.
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      return new BundleWriter(db.dataSource(), tiles, null, key, ORIGIN, Clock.systemUTC(), 7)
          .write(request, out);
    }
  }

  /** Exports the whole log. */
  public AuditExports.Summary exportAll(Path file) throws IOException {
    return export(
        file, Instant.EPOCH, Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(3600), null);
  }

  /**
   * Runs {@code hsip audit verify} as an auditor would.
   *
   * @return exit code and everything printed
   */
  public static CliRun verify(String... args) {
    StringWriter out = new StringWriter();
    String[] all = new String[args.length + 2];
    all[0] = "audit";
    all[1] = "verify";
    System.arraycopy(args, 0, all, 2, args.length);
    int code =
        HsipCli.run(Clock.systemUTC(), new PrintWriter(out, true), new PrintWriter(out, true), all);
    return new CliRun(code, out.toString());
  }

  /** The outcome of one CLI run. */
  public record CliRun(int exitCode, String output) {}

  @Override
  public void close() {
    writer.close();
    db.drop();
  }
}
