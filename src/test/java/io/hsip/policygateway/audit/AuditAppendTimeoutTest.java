package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.audit.internal.EntryWriter;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A caller that gives up waiting for its audit commit fails closed, so the log must never end up
 * claiming the outcome it gave up on: a queued entry is withdrawn and never written, and an entry
 * already being written is followed by an entry that voids it. Both paths are forced here by
 * holding a lock on {@code audit_entry} from another connection, on the real PostgreSQL.
 */
class AuditAppendTimeoutTest {

  private AuditDatabase db;
  private EntryWriter writer;
  private final AtomicInteger failures = new AtomicInteger();

  @BeforeEach
  void start() {
    db = AuditDatabase.create("audit_timeout");
    // One writer thread: while it waits on the lock, later entries stay queued.
    writer =
        new EntryWriter(
            db.dataSource(),
            AuditFixture.macKey(io.hsip.policygateway.hsip.Fixtures.RESPONDER),
            AuditFixture.subjectKeys(),
            Clock.systemUTC(),
            100,
            100,
            AuditFixture.IGNORE);
    writer.start();
  }

  @AfterEach
  void stop() {
    writer.close();
    db.drop();
  }

  @Test
  void aQueuedEntryIsWithdrawnAndAHeldOneIsVoidedOnceItCommits() throws Exception {
    AuditEntry held = AuditEntry.decision("I4MLJTQWUZ66GBMNYEP75Z2QSD", "allow").build();
    AuditEntry queued =
        AuditEntry.adminChange("alice.admin", "policy.publish").outcome("ok").build();
    // Only the owner may lock the table outright; the gateway's role may not.
    try (Connection lock = db.ownerDataSource().getConnection()) {
      lock.setAutoCommit(false);
      try (Statement s = lock.createStatement()) {
        s.execute("LOCK TABLE audit_entry IN ACCESS EXCLUSIVE MODE");
      }
      CompletableFuture<Throwable> heldCaller =
          CompletableFuture.supplyAsync(() -> failureOf(held, Duration.ofMillis(1500)));
      awaitInsertsWaitingOnTheLock(1);

      // The writer is stuck on `held`, so `queued` is still in the queue when its caller gives up.
      assertThatThrownBy(
              () -> AuditLog.awaitDurable(writer, queued, Duration.ofMillis(200), this::failed))
          .isInstanceOf(AuditAppendException.class)
          .hasMessage("The audit entry was not committed in time.");
      // `held` was claimed by the writer before its caller gave up: it cannot be withdrawn.
      assertThat(heldCaller.get(10, TimeUnit.SECONDS))
          .isInstanceOf(AuditAppendException.class)
          .hasMessage("The audit entry was not committed in time.");
      assertThat(failures).hasValue(2);
      lock.rollback();
    }

    List<JsonNode> entries = awaitEntries(2);
    JsonNode late = entries.get(0);
    JsonNode voiding = entries.get(1);
    assertThat(late.path("action").asText()).isEqualTo("consent.decide");
    assertThat(late.path("outcome").asText()).isEqualTo("allow");
    assertThat(voiding.path("action").asText()).isEqualTo(AuditLog.VOID_ACTION);
    assertThat(voiding.path("kind").asText()).isEqualTo("decision");
    assertThat(voiding.path("actor").asText()).isEqualTo("gateway");
    assertThat(voiding.path("outcome").asText()).isEqualTo("void");
    assertThat(voiding.path("subject").asText()).isEqualTo(late.path("subject").asText());
    JsonNode details = voiding.path("details");
    assertThat(details.path("voids_seq").asText()).isEqualTo(late.path("seq").asText());
    assertThat(details.path("voided_action").asText()).isEqualTo("consent.decide");
    assertThat(details.path("voided_outcome").asText()).isEqualTo("allow");
    // The withdrawn entry was never written, and nothing else was either.
    Thread.sleep(300);
    assertThat(db.queryLong("SELECT count(*) FROM audit_entry")).isEqualTo(2);
    assertThat(db.queryLong("SELECT count(*) FROM audit_entry WHERE actor = 'alice.admin'"))
        .isZero();
  }

  @Test
  void appendAsyncWithdrawsAQueuedEntryAndVoidsAHeldOneLikeAppend() throws Exception {
    AuditEntry held = AuditEntry.decision("I4MLJTQWUZ66GBMNYEP75Z2QSD", "allow").build();
    AuditEntry queued =
        AuditEntry.adminChange("alice.admin", "policy.publish").outcome("ok").build();
    // Only the owner may lock the table outright; the gateway's role may not.
    try (Connection lock = db.ownerDataSource().getConnection()) {
      lock.setAutoCommit(false);
      try (Statement s = lock.createStatement()) {
        s.execute("LOCK TABLE audit_entry IN ACCESS EXCLUSIVE MODE");
      }
      CompletableFuture<Long> heldAnswer =
          AuditLog.awaitDurableAsync(writer, held, Duration.ofMillis(1500), this::failed);
      awaitInsertsWaitingOnTheLock(1);
      CompletableFuture<Long> queuedAnswer =
          AuditLog.awaitDurableAsync(writer, queued, Duration.ofMillis(200), this::failed);

      assertThatThrownBy(() -> queuedAnswer.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(AuditAppendException.class)
          .cause()
          .hasMessage("The audit entry was not committed in time.");
      assertThatThrownBy(() -> heldAnswer.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(AuditAppendException.class);
      // The timer thread counts the failure just after it has failed the caller's future.
      for (int i = 0; i < 200 && failures.get() < 2; i++) {
        Thread.sleep(10);
      }
      assertThat(failures).hasValue(2);
      lock.rollback();
    }

    List<JsonNode> entries = awaitEntries(2);
    assertThat(entries.get(0).path("outcome").asText()).isEqualTo("allow");
    assertThat(entries.get(1).path("action").asText()).isEqualTo(AuditLog.VOID_ACTION);
    assertThat(entries.get(1).path("details").path("voids_seq").asText())
        .isEqualTo(entries.get(0).path("seq").asText());
    Thread.sleep(300);
    assertThat(db.queryLong("SELECT count(*) FROM audit_entry WHERE actor = 'alice.admin'"))
        .isZero();
  }

  @Test
  void appendAsyncCompletesNormallyWhenTheCommitIsInTime() throws Exception {
    long seq =
        AuditLog.awaitDurableAsync(
                writer,
                AuditEntry.adminChange("bob.admin", "policy.rollback").outcome("ok").build(),
                Duration.ofSeconds(10),
                this::failed)
            .get(10, TimeUnit.SECONDS);
    assertThat(seq).isPositive();
    Thread.sleep(300);
    assertThat(db.queryLong("SELECT count(*) FROM audit_entry")).isEqualTo(1);
    assertThat(failures).hasValue(0);
  }

  @Test
  void anEntryThatCommitsInTimeIsNeitherWithdrawnNorVoided() throws Exception {
    long seq =
        AuditLog.awaitDurable(
            writer,
            AuditEntry.adminChange("bob.admin", "policy.rollback").outcome("ok").build(),
            Duration.ofSeconds(10),
            this::failed);
    assertThat(seq).isPositive();
    Thread.sleep(300);
    assertThat(db.queryLong("SELECT count(*) FROM audit_entry")).isEqualTo(1);
    assertThat(failures).hasValue(0);
  }

  @Test
  void anEntryThatFailsAfterItsCallerGaveUpIsNotVoided() throws Exception {
    AuditEntry held = AuditEntry.adminChange("carol.admin", "policy.publish").build();
    // Only the owner may lock the table outright; the gateway's role may not.
    try (Connection lock = db.ownerDataSource().getConnection()) {
      lock.setAutoCommit(false);
      try (Statement s = lock.createStatement()) {
        s.execute("LOCK TABLE audit_entry IN ACCESS EXCLUSIVE MODE");
      }
      CompletableFuture<Throwable> caller =
          CompletableFuture.supplyAsync(() -> failureOf(held, Duration.ofMillis(300)));
      awaitInsertsWaitingOnTheLock(1);
      assertThat(caller.get(10, TimeUnit.SECONDS)).isInstanceOf(AuditAppendException.class);
      // The held INSERT now fails instead of committing: nothing was written, nothing to void.
      // Cancelled by the writer's own role, which alone (short of a superuser) may signal it.
      try (Connection writerRole = db.dataSource().getConnection();
          Statement s = writerRole.createStatement()) {
        s.execute(
            "SELECT pg_cancel_backend(pid) FROM pg_stat_activity"
                + " WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO audit_entry%'"
                + " AND pid <> pg_backend_pid()");
      }
      lock.rollback();
    }
    Thread.sleep(1000);
    assertThat(db.queryLong("SELECT count(*) FROM audit_entry")).isZero();
    assertThat(failures).hasValue(1);
  }

  private void failed() {
    failures.incrementAndGet();
  }

  private Throwable failureOf(AuditEntry entry, Duration timeout) {
    try {
      AuditLog.awaitDurable(writer, entry, timeout, this::failed);
      return new AssertionError("the append did not time out");
    } catch (RuntimeException e) {
      return e;
    }
  }

  private void awaitInsertsWaitingOnTheLock(int count) throws InterruptedException {
    // Asked as the writer's own role: only it (or a superuser) may read its sessions' queries.
    for (int i = 0; i < 200; i++) {
      try (Connection c = db.dataSource().getConnection();
          Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                      + " AND query LIKE '%INSERT INTO audit_entry%'")) {
        r.next();
        if (r.getLong(1) >= count) {
          return;
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      Thread.sleep(25);
    }
    throw new AssertionError("the writer never reached the locked table");
  }

  private List<JsonNode> awaitEntries(int count) throws Exception {
    for (int i = 0; i < 200; i++) {
      if (db.queryLong("SELECT count(*) FROM audit_entry") >= count) {
        break;
      }
      Thread.sleep(25);
    }
    List<JsonNode> entries = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT convert_from(body, 'UTF8') FROM audit_entry ORDER BY seq")) {
      while (r.next()) {
        entries.add(ObjectMappers.standard().readTree(r.getString(1)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    assertThat(entries).hasSize(count);
    return entries;
  }
}
