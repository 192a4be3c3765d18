package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.audit.internal.TreeInconsistencyException;
import io.hsip.policygateway.audit.internal.TreeIntegrator;
import io.hsip.policygateway.hsip.Fixtures;
import io.hsip.policygateway.hsip.transparency.Checkpoint;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the background integrator signs, and with what time, on the real PostgreSQL. */
class AuditCheckpointTest {

  private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  @TempDir Path dir;
  private AuditFixture log;
  private final SettableClock clock = new SettableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private TreeIntegrator integrator;

  @BeforeEach
  void log() {
    log = new AuditFixture(AuditDatabase.create("audit_checkpoint"), Fixtures.RESPONDER);
    integrator =
        new TreeIntegrator(
            log.db.dataSource(),
            log.tiles,
            () -> Fixtures.RESPONDER,
            AuditFixture.ORIGIN,
            clock,
            5);
  }

  @AfterEach
  void drop() {
    log.close();
  }

  @Test
  void underSustainedLoadCheckpointsAreRateLimitedButAnIdleLogIsCheckpointedAtOnce() {
    log.append(3);
    // Idle: nothing signed yet, so the first entries are checkpointed at once.
    assertThat(integrator.integrateIfDue(MIN_INTERVAL).map(Checkpoint::treeSize)).contains(3L);

    log.append(2);
    clock.advance(Duration.ofMillis(400));
    assertThat(integrator.integrateIfDue(MIN_INTERVAL)).as("signed 400 ms ago").isEmpty();
    log.append(1);
    clock.advance(Duration.ofMillis(599));
    assertThat(integrator.integrateIfDue(MIN_INTERVAL)).as("signed 999 ms ago").isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(integrator.integrateIfDue(MIN_INTERVAL).map(Checkpoint::treeSize)).contains(6L);

    // A backlog of a full batch is folded in without waiting: the limit must not let the log fall
    // behind.
    log.append(12);
    assertThat(integrator.integrateIfDue(MIN_INTERVAL).map(Checkpoint::treeSize)).contains(11L);
    assertThat(integrator.integrateIfDue(MIN_INTERVAL).map(Checkpoint::treeSize)).contains(16L);
    assertThat(integrator.integrateIfDue(MIN_INTERVAL)).as("2 pending, signed just now").isEmpty();

    // Idle again: after the interval the rest is signed on the next round.
    clock.advance(Duration.ofSeconds(5));
    assertThat(integrator.integrateIfDue(MIN_INTERVAL).map(Checkpoint::treeSize)).contains(18L);
    assertThat(log.db.queryLong("SELECT count(*) FROM audit_checkpoint")).isEqualTo(5);
  }

  @Test
  void checkpointTimesNeverGoBackWhenTheClockStepsBack() throws InterruptedException {
    log.append(2);
    long first = integrator.integrateOnce(true).orElseThrow().timeMs();
    clock.advance(Duration.ofHours(-1));
    log.append(2);
    Optional<Checkpoint> second = integrator.integrateOnce(true);

    assertThat(second.orElseThrow().timeMs()).isGreaterThanOrEqualTo(first);
    // While the clock is behind the latest checkpoint, the rate limit counts from this process's
    // own last signature: no checkpoint every round, and none stalled until the clock catches up.
    log.append(1);
    assertThat(integrator.integrateIfDue(MIN_INTERVAL)).isEmpty();
    Thread.sleep(MIN_INTERVAL.toMillis() + 100);
    assertThat(integrator.integrateIfDue(MIN_INTERVAL).map(Checkpoint::treeSize)).contains(5L);
    assertThat(
            log.db.queryLong(
                "SELECT count(*) FROM audit_checkpoint c WHERE signed_at < "
                    + "(SELECT max(signed_at) FROM audit_checkpoint d WHERE d.tree_size < c.tree_size)"))
        .isZero();
  }

  @Test
  void aReplicaWhoseClockIsBehindAnotherReplicasCheckpointStillRateLimits()
      throws InterruptedException {
    log.append(2);
    assertThat(integrator.integrateOnce(true).map(Checkpoint::treeSize)).contains(2L);
    // A second replica on the same database whose clock runs an hour behind the one that signed.
    SettableClock behind = new SettableClock(Instant.parse("2026-03-01T11:00:00Z"));
    TreeIntegrator other =
        new TreeIntegrator(
            log.db.dataSource(),
            log.tiles,
            () -> Fixtures.RESPONDER,
            AuditFixture.ORIGIN,
            behind,
            5);
    log.append(1);
    assertThat(other.integrateIfDue(MIN_INTERVAL)).as("the checkpoint was just seen").isEmpty();
    assertThat(other.integrateIfDue(MIN_INTERVAL)).as("and is still fresh").isEmpty();
    Thread.sleep(MIN_INTERVAL.toMillis() + 100);
    assertThat(other.integrateIfDue(MIN_INTERVAL).map(Checkpoint::treeSize)).contains(3L);
    log.append(1);
    assertThat(other.integrateIfDue(MIN_INTERVAL)).as("its own checkpoint is fresh").isEmpty();
    assertThat(log.db.queryLong("SELECT count(*) FROM audit_checkpoint")).isEqualTo(2);
  }

  @Test
  void aTreeThatNoLongerExtendsTheSignedCheckpointIsNotSigned() throws Exception {
    log.append(10);
    assertThat(integrator.integratePending(true).map(Checkpoint::treeSize)).contains(10L);
    // An insider with the owner's credentials (who can switch the grow-only trigger off), or a
    // corrupted page, rewrites a stored leaf hash of the signed tree.
    log.db.execute(
        "ALTER TABLE audit_tile DISABLE TRIGGER USER",
        "UPDATE audit_tile SET hashes = overlay(hashes placing '\\x00000000'::bytea from 1 for 4)"
            + " WHERE level = 0 AND idx = 0",
        "ALTER TABLE audit_tile ENABLE TRIGGER USER");
    log.append(3);

    assertThatThrownBy(() -> integrator.integrateOnce(true))
        .isInstanceOf(TreeInconsistencyException.class)
        .hasMessageStartingWith(
            "refusing to sign tree size 13: it is not an extension of the signed checkpoint of"
                + " tree size 10: ");
    assertThat(log.db.queryLong("SELECT max(tree_size) FROM audit_checkpoint")).isEqualTo(10);
    assertThat(log.db.queryLong("SELECT count(*) FROM audit_entry WHERE leaf_index IS NULL"))
        .isEqualTo(3);

    // The auditor can still export what is signed; the bundle says it is incomplete and does not
    // verify.
    Path bundle = dir.resolve("bundle.zip");
    var summary = log.exportAll(bundle);
    assertThat(summary.complete()).isFalse();
    AuditFixture.CliRun run =
        AuditFixture.verify(bundle.toString(), "--key", Fixtures.RESPONDER.publicKey().hex());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains("3 entries of the window were not yet in a signed checkpoint");
  }

  /** A clock the test moves, forwards or back. */
  private static final class SettableClock extends Clock {
    private volatile Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
