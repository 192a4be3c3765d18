package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.hsip.policygateway.Heavy;
import io.hsip.policygateway.TestDatabase;
import io.hsip.policygateway.audit.internal.EntryWriter;
import io.hsip.policygateway.audit.internal.SubjectKeys;
import io.hsip.policygateway.audit.internal.TreeIntegrator;
import io.hsip.policygateway.hsip.Fixtures;
import io.hsip.policygateway.hsip.json.CanonicalJson;
import io.hsip.policygateway.hsip.transparency.Checkpoint;
import io.hsip.policygateway.hsip.transparency.TreeHasher;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Group-commit appends and integration on the real PostgreSQL. */
class AuditAppendTest {

  private static final String PEER = "I4MLJTQWUZ66GBMNYEP75Z2QSD";

  @TempDir Path dir;
  private AuditFixture log;

  @BeforeEach
  void log() {
    log = new AuditFixture(AuditDatabase.create("audit_append"), Fixtures.RESPONDER);
  }

  @AfterEach
  void drop() {
    log.close();
  }

  @Test
  void concurrentAppendsAreCommittedOnceEachAndShareCommits() throws Exception {
    int threads = 32;
    int perThread = 100;
    List<Long> seqs = java.util.Collections.synchronizedList(new ArrayList<>());
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    seqs.add(
                        log.writer
                            .submit(
                                AuditEntry.adminChange("alice.admin", "policy.publish")
                                    .outcome("ok")
                                    .build())
                            .join());
                  }
                }));
      }
      for (var f : done) {
        f.get();
      }
    }
    assertThat(new HashSet<>(seqs)).hasSize(threads * perThread);
    assertThat(log.db.queryLong("SELECT count(*) FROM audit_entry"))
        .isEqualTo((long) threads * perThread);
    // Every caller waited for its own commit, yet far fewer commits than entries were needed.
    assertThat(log.batches.get()).isLessThan(threads * perThread / 4);
    assertThat(log.failures.get()).isZero();
  }

  @Test
  void theStoredEntryIsCanonicalSchemaOneWithThePseudonymNotThePeerId() throws Exception {
    long seq =
        log.writer
            .submit(
                AuditEntry.decision(PEER, "deny")
                    .policyVersion("sha256:" + "ab".repeat(32))
                    .requestHash("cd".repeat(32))
                    .trace("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")
                    .explanation("rule deny-external")
                    .detail("purpose", "indexing")
                    .build())
            .join();
    byte[] body;
    String subject;
    try (Connection c = log.db.dataSource().getConnection();
        PreparedStatement select =
            c.prepareStatement("SELECT body, subject FROM audit_entry WHERE seq = ?")) {
      select.setLong(1, seq);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        body = rows.getBytes(1);
        subject = rows.getString(2);
      }
    }
    assertThat(CanonicalJson.isCanonical(body)).isTrue();
    String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    assertThat(text)
        .doesNotContain(PEER)
        .startsWith(
            "{\"action\":\"consent.decide\",\"actor\":\"gateway\",\"details\":{\"purpose\":\"indexing\"},"
                + "\"explanation\":\"rule deny-external\",\"kind\":\"decision\",\"outcome\":\"deny\",\"policy_version\":\"sha256:");
    JsonNode entry = CanonicalJson.parseObject(body);
    assertThat(entry.path("schema").asInt()).isEqualTo(1);
    assertThat(entry.path("seq").asLong()).isEqualTo(seq);
    assertThat(entry.path("subject").asText()).isEqualTo(subject).matches("[0-9a-f]{64}");
    assertThat(entry.path("trace_id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");

    // The same subject keeps its pseudonym until its key is destroyed; then it gets a new,
    // unlinkable one.
    long again = log.writer.submit(AuditEntry.decision(PEER, "allow").build()).join();
    assertThat(subjectOf(again)).isEqualTo(subject);
    try (Connection c = log.db.dataSource().getConnection()) {
      SubjectKeys keys = AuditFixture.subjectKeys();
      assertThat(keys.destroy(c, PEER, keys.find(c, PEER).orElseThrow())).isTrue();
      assertThat(keys.find(c, PEER)).isEmpty();
    }
    long after = log.writer.submit(AuditEntry.decision(PEER, "allow").build()).join();
    assertThat(subjectOf(after)).isNotEqualTo(subject);
    // The erased subject's entries still verify.
    log.integrateRound();
    Path bundle = dir.resolve("b.zip");
    log.exportAll(bundle);
    assertThat(
            AuditFixture.verify(bundle.toString(), "--key", log.key.publicKey().hex()).exitCode())
        .isZero();
  }

  @Test
  void failuresSurfaceToEveryCallerAndAreCounted() throws Exception {
    AgroalDataSource broken =
        AgroalDataSource.from(
            new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(
                    cp ->
                        cp.maxSize(2)
                            .acquisitionTimeout(Duration.ofSeconds(2))
                            .connectionFactoryConfiguration(
                                cf ->
                                    cf.jdbcUrl(
                                            "jdbc:postgresql://127.0.0.1:1/nowhere?connectTimeout=1")
                                        .principal(new NamePrincipal("hsip")))));
    AtomicInteger failed = new AtomicInteger();
    try (EntryWriter writer =
        new EntryWriter(
            broken,
            log.macKey,
            AuditFixture.subjectKeys(),
            Clock.systemUTC(),
            100,
            10,
            new EntryWriter.Listener() {
              @Override
              public void committed(int count) {}

              @Override
              public void failed(int count, Exception cause) {
                failed.addAndGet(count);
              }
            })) {
      writer.start();
      List<CompletableFuture<Long>> futures = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        futures.add(writer.submit(AuditEntry.adminChange("a", "b").build()));
      }
      for (CompletableFuture<Long> f : futures) {
        assertThatThrownBy(f::join)
            .isInstanceOf(CompletionException.class)
            .hasCauseInstanceOf(EntryWriter.AppendFailedException.class)
            .cause()
            .hasMessage("the audit entry could not be committed");
      }
      assertThat(failed.get()).isEqualTo(5);
    } finally {
      broken.close();
    }
  }

  @Test
  void anEntryTheDatabaseRejectsFailsAloneWhileConcurrentGoodAppendsCommit() throws Exception {
    // Validation keeps known bad values out; this constraint stands for whatever else the database
    // may refuse.
    log.db.execute("ALTER TABLE audit_entry ADD CONSTRAINT test_poison CHECK (actor <> 'poison')");
    List<CompletableFuture<Long>> good = new ArrayList<>();
    CompletableFuture<Long> bad;
    for (int i = 0; i < 50; i++) {
      good.add(log.writer.submit(AuditEntry.adminChange("alice", "good-" + i).build()));
    }
    bad = log.writer.submit(AuditEntry.adminChange("poison", "bad").build());
    for (int i = 50; i < 100; i++) {
      good.add(log.writer.submit(AuditEntry.adminChange("alice", "good-" + i).build()));
    }

    assertThatThrownBy(bad::join)
        .cause()
        .isInstanceOf(EntryWriter.AppendFailedException.class)
        .hasMessage("the audit entry could not be committed");
    assertThat(good.stream().map(CompletableFuture::join).distinct().count()).isEqualTo(100);
    assertThat(log.db.queryLong("SELECT count(*) FROM audit_entry WHERE actor = 'alice'"))
        .isEqualTo(100);
    assertThat(log.failures.get()).isEqualTo(1);
  }

  @ParameterizedTest
  @CsvSource({"off, on", "local, local", "remote_apply, remote_apply"})
  void appendsNeverCommitWithSynchronousCommitOff(String serverDefault, String used)
      throws Exception {
    // Records the setting each INSERT on audit_entry runs (and so commits) under.
    log.db.execute(
        "CREATE TABLE test_commit_mode (mode text)",
        "CREATE FUNCTION test_record_mode() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " INSERT INTO test_commit_mode VALUES (current_setting('synchronous_commit')); RETURN NULL; END $$",
        "CREATE TRIGGER test_record_mode AFTER INSERT ON audit_entry FOR EACH STATEMENT"
            + " EXECUTE FUNCTION test_record_mode()",
        // The trigger runs as whoever inserts: the gateway's role.
        "GRANT INSERT ON test_commit_mode TO " + TestDatabase.runtimeRole());
    String url =
        "jdbc:postgresql://127.0.0.1:5432/"
            + AuditDatabase.database()
            + "?currentSchema="
            + log.db.schema()
            + "&options=-c%20synchronous_commit%3D"
            + serverDefault;
    AgroalDataSource relaxed =
        AgroalDataSource.from(
            new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(
                    cp ->
                        cp.maxSize(2)
                            .acquisitionTimeout(Duration.ofSeconds(10))
                            .connectionFactoryConfiguration(
                                cf ->
                                    cf.jdbcUrl(url)
                                        .principal(
                                            new NamePrincipal(TestDatabase.runtimeRole())))));
    try (EntryWriter writer =
        new EntryWriter(
            relaxed,
            log.macKey,
            AuditFixture.subjectKeys(),
            Clock.systemUTC(),
            100,
            100,
            AuditFixture.IGNORE)) {
      try (Connection c = relaxed.getConnection();
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SHOW synchronous_commit")) {
        r.next();
        assertThat(r.getString(1)).as("the pool's default").isEqualTo(serverDefault);
      }
      writer.start();
      writer.submit(AuditEntry.adminChange("alice", "durable").build()).join();
    } finally {
      relaxed.close();
    }
    assertThat(log.db.queryLong("SELECT count(*) FROM test_commit_mode")).isEqualTo(1);
    assertThat(
            log.db.queryLong("SELECT count(*) FROM test_commit_mode WHERE mode = '" + used + "'"))
        .isEqualTo(1);
  }

  @Test
  void entriesStillQueuedWhenTheWriterIsGoneFailOnClose() {
    // The writer threads are gone (here: never started; in production: interrupted or not done in
    // time).
    EntryWriter writer =
        new EntryWriter(
            log.db.dataSource(),
            log.macKey,
            AuditFixture.subjectKeys(),
            Clock.systemUTC(),
            10,
            10,
            AuditFixture.IGNORE);
    CompletableFuture<Long> queued = writer.submit(AuditEntry.adminChange("a", "b").build());
    writer.close();
    assertThat(queued).isCompletedExceptionally();
    assertThatThrownBy(queued::join).cause().hasMessage("the audit writer is shut down");
    assertThatThrownBy(writer.submit(AuditEntry.adminChange("a", "b").build())::join)
        .cause()
        .hasMessage("the audit writer is shut down");
  }

  @Heavy
  @Test
  void appendsDuringShutdownAreWrittenOrFailNoneIsLeftWaiting() throws Exception {
    for (int attempt = 0; attempt < 2; attempt++) {
      EntryWriter writer =
          new EntryWriter(
              log.db.dataSource(),
              log.macKey,
              AuditFixture.subjectKeys(),
              Clock.systemUTC(),
              50,
              100_000,
              2,
              AuditFixture.IGNORE);
      writer.start();
      List<CompletableFuture<Long>> futures =
          java.util.Collections.synchronizedList(new ArrayList<>());
      ExecutorService submitters = Executors.newFixedThreadPool(8);
      java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(8);
      for (int t = 0; t < 8; t++) {
        submitters.execute(
            () -> {
              running.countDown();
              for (int i = 0; i < 10_000; i++) {
                CompletableFuture<Long> f =
                    writer.submit(AuditEntry.adminChange("shutdown", "race").build());
                futures.add(f);
                if (f.isCompletedExceptionally()) {
                  return;
                }
              }
            });
      }
      running.await();
      Thread.sleep(20);
      writer.close();
      submitters.shutdown();
      assertThat(submitters.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      List<CompletableFuture<Long>> all = new ArrayList<>(futures);
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
          .handle((v, e) -> null)
          .get(5, java.util.concurrent.TimeUnit.SECONDS);
      long acknowledged = all.stream().filter(f -> !f.isCompletedExceptionally()).count();
      for (CompletableFuture<Long> f : all) {
        if (f.isCompletedExceptionally()) {
          assertThatThrownBy(f::join).cause().isInstanceOf(EntryWriter.AppendFailedException.class);
        }
      }
      assertThat(log.db.queryLong("SELECT count(*) FROM audit_entry WHERE actor = 'shutdown'"))
          .as("every acknowledged append is stored")
          .isEqualTo(acknowledged);
      log.db.execute(
          "ALTER TABLE audit_entry DISABLE TRIGGER USER",
          "DELETE FROM audit_entry WHERE actor = 'shutdown'",
          "ALTER TABLE audit_entry ENABLE TRIGGER USER");
    }
  }

  @Test
  void aFullQueueFailsAtOnceInsteadOfGrowing() {
    AtomicInteger failed = new AtomicInteger();
    EntryWriter writer =
        new EntryWriter(
            log.db.dataSource(),
            log.macKey,
            AuditFixture.subjectKeys(),
            Clock.systemUTC(),
            10,
            1,
            new EntryWriter.Listener() {
              @Override
              public void committed(int count) {}

              @Override
              public void failed(int count, Exception cause) {
                failed.addAndGet(count);
              }
            });
    // Not started: nothing drains the queue.
    CompletableFuture<Long> queued = writer.submit(AuditEntry.adminChange("a", "b").build());
    CompletableFuture<Long> refused = writer.submit(AuditEntry.adminChange("a", "b").build());
    assertThatThrownBy(refused::join).cause().hasMessage("the audit queue is full");
    assertThat(failed.get()).isEqualTo(1);
    assertThat(queued).isNotDone();
  }

  @Test
  void integrationNumbersLeavesInSeqOrderSkippingGapsAndLateCommits() throws Exception {
    List<Long> first = log.append(5);
    // A rolled-back transaction burns sequence values, and a writer that stops leaves the rest of
    // its block unused: gaps the integrator never waits for.
    long burned;
    try (Connection c = log.db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      try (ResultSet r =
          s.executeQuery(
              "SELECT max(v) FROM (SELECT nextval('audit_entry_seq') v FROM generate_series(1, 3)) x")) {
        r.next();
        burned = r.getLong(1);
      }
      c.rollback();
    }
    List<Long> second = new ArrayList<>();
    try (EntryWriter restarted =
        new EntryWriter(
            log.db.dataSource(),
            log.macKey,
            AuditFixture.subjectKeys(),
            Clock.systemUTC(),
            100,
            1000,
            AuditFixture.IGNORE)) {
      restarted.start();
      for (int i = 0; i < 4; i++) {
        second.add(
            restarted.submit(AuditEntry.adminChange("restarted", "policy.publish").build()).join());
      }
    }
    assertThat(second.get(0)).isGreaterThan(burned).isGreaterThan(first.get(4) + 1);
    // A late commit: a seq taken before the next round but committed after it.
    long late = log.db.queryLong("SELECT nextval('audit_entry_seq')");
    assertThat(log.integrateRound()).isEqualTo(9);
    log.insertAuthentic(
        late,
        java.time.Instant.parse("2026-01-01T00:00:00Z"),
        AuditEntry.adminChange("late", "x").build());
    List<Long> third = log.append(2);
    assertThat(log.integrateRound()).isEqualTo(12);

    List<Long> leafOrder = new ArrayList<>();
    List<byte[]> leafHashes = new ArrayList<>();
    try (Connection c = log.db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rows =
            s.executeQuery("SELECT seq, body, leaf_index FROM audit_entry ORDER BY leaf_index")) {
      while (rows.next()) {
        assertThat(rows.getLong(3)).isEqualTo(leafOrder.size());
        leafOrder.add(rows.getLong(1));
        leafHashes.add(TreeHasher.leaf(rows.getBytes(2)));
      }
    }
    List<Long> expected = new ArrayList<>(first);
    expected.addAll(second);
    // The second round holds the late entry and the third batch, in ascending seq whatever their
    // commit order.
    List<Long> secondRound = new ArrayList<>(third);
    secondRound.add(late);
    java.util.Collections.sort(secondRound);
    expected.addAll(secondRound);
    assertThat(leafOrder).isEqualTo(expected);
    // The signed root is the RFC 9162 root of exactly these leaves.
    byte[] root = rootHash(12);
    io.hsip.policygateway.hsip.transparency.CompactRange range =
        io.hsip.policygateway.hsip.transparency.CompactRange.empty();
    leafHashes.forEach(range::append);
    assertThat(range.root()).isEqualTo(root);
    Path bundle = dir.resolve("b.zip");
    log.exportAll(bundle);
    AuditFixture.CliRun run =
        AuditFixture.verify(bundle.toString(), "--key", Fixtures.RESPONDER.publicKey().hex());
    assertThat(run.exitCode()).as(run.output()).isZero();
  }

  @Test
  void onlyTheHolderOfTheAdvisoryLockIntegrates() throws Exception {
    log.append(3);
    try (Connection holder = log.db.dataSource().getConnection();
        Statement s = holder.createStatement()) {
      holder.setAutoCommit(false);
      s.execute("SELECT pg_advisory_xact_lock(" + TreeIntegrator.LOCK_KEY + ")");
      assertThat(log.integrator.integrateOnce(false)).isEmpty();
      assertThat(log.db.queryLong("SELECT count(*) FROM audit_entry WHERE leaf_index IS NULL"))
          .isEqualTo(3);
      holder.rollback();
    }
    assertThat(log.integrator.integrateOnce(false).map(Checkpoint::treeSize)).contains(3L);
  }

  @Test
  void concurrentIntegratorsNeverAssignALeafTwice() throws Exception {
    Set<Long> sizes = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<java.util.concurrent.Future<?>> work = new ArrayList<>();
      work.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 20; i++) {
                  log.append(50);
                }
              }));
      for (int t = 0; t < 3; t++) {
        work.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 40; i++) {
                    Optional<Checkpoint> c = log.integrator.integrateOnce(i % 2 == 0);
                    c.ifPresent(cp -> assertThat(sizes.add(cp.treeSize())).isTrue());
                  }
                }));
      }
      for (var f : work) {
        f.get();
      }
    }
    log.integrator.integratePending(true);
    assertThat(log.db.queryLong("SELECT count(DISTINCT leaf_index) FROM audit_entry"))
        .isEqualTo(1000);
    assertThat(log.db.queryLong("SELECT max(leaf_index) FROM audit_entry")).isEqualTo(999);
    Path bundle = dir.resolve("b.zip");
    log.exportAll(bundle);
    AuditFixture.CliRun run =
        AuditFixture.verify(bundle.toString(), "--key", log.key.publicKey().hex());
    assertThat(run.exitCode()).as(run.output()).isZero();
  }

  private String subjectOf(long seq) {
    try (Connection c = log.db.dataSource().getConnection();
        PreparedStatement select =
            c.prepareStatement("SELECT subject FROM audit_entry WHERE seq = ?")) {
      select.setLong(1, seq);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getString(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] rootHash(long size) {
    try (Connection c = log.db.dataSource().getConnection();
        PreparedStatement select =
            c.prepareStatement("SELECT root_hash FROM audit_checkpoint WHERE tree_size = ?")) {
      select.setLong(1, size);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getBytes(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
