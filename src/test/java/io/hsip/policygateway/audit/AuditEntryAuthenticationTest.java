package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.audit.internal.EntryWriter;
import io.hsip.policygateway.audit.internal.TreeIntegrator;
import io.hsip.policygateway.hsip.Fixtures;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.transparency.Checkpoint;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authenticated entries on the real PostgreSQL: an insider who can INSERT rows, edit pending rows
 * (as the table owner, with the triggers off) or set a pending row's leaf index gets nothing
 * signed; every attempt is refused before integration, loudly (listener, refusal entry in the log,
 * readiness data), once per row, and the log goes on with the gateway's own entries.
 */
class AuditEntryAuthenticationTest {

  private static final SigningKey GATEWAY = Fixtures.RESPONDER;
  private static final SigningKey ATTACKER = Fixtures.REQUESTER;

  @TempDir Path dir;
  private AuditFixture log;

  @BeforeEach
  void log() {
    log = new AuditFixture(AuditDatabase.create("audit_auth"), GATEWAY);
  }

  @AfterEach
  void drop() {
    log.close();
  }

  private static AuditEntry approval() {
    return AuditEntry.adminChange("mallory", "policy.approve").outcome("ok").build();
  }

  private long nextSeq() {
    return log.db.queryLong("SELECT nextval('audit_entry_seq')");
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  private long refusalEntries() {
    return log.db.queryLong(
        "SELECT count(*) FROM audit_entry WHERE actor = '"
            + TreeIntegrator.REFUSAL_ACTOR
            + "' AND convert_from(body, 'UTF8') LIKE '%\"action\":\""
            + TreeIntegrator.REFUSAL_ACTION
            + "\"%'");
  }

  private long leafIndexOrMinusOne(long seq) {
    return log.db.queryLong("SELECT coalesce(leaf_index, -1) FROM audit_entry WHERE seq = " + seq);
  }

  @Test
  void aForgedInsertIsNeverIntegratedAndIsReportedOnce() throws Exception {
    log.append(4);
    // Without a MAC the database refuses the row outright.
    assertThatThrownBy(
            () ->
                log.db.execute(
                    "INSERT INTO audit_entry (seq, recorded_at, kind, actor, body) VALUES ("
                        + "nextval('audit_entry_seq'), now(), 'admin-change', 'mallory',"
                        + " convert_to('{}', 'UTF8'))"))
        .hasMessageContaining("audit_entry_mac_required");
    // With a MAC made under a key the insider has (not the gateway's), and the gateway's key id.
    long forged = nextSeq();
    Instant time = now();
    log.insertRow(
        forged,
        time,
        approval(),
        AuditFixture.macOf(ATTACKER, forged, time, approval()),
        log.macKey.get().keyId());
    // With random bytes as the MAC.
    long garbage = nextSeq();
    log.insertRow(garbage, time, approval(), new byte[32], log.macKey.get().keyId());

    assertThat(log.integrateRound()).as("only the gateway's 4 entries").isEqualTo(4);
    assertThat(leafIndexOrMinusOne(forged)).isEqualTo(-1);
    assertThat(leafIndexOrMinusOne(garbage)).isEqualTo(-1);
    assertThat(log.refusals)
        .containsExactly(
            forged
                + ": the entry's MAC does not verify (it was forged or altered after it was written)",
            garbage
                + ": the entry's MAC does not verify (it was forged or altered after it was written)");
    assertThat(refusalEntries()).isEqualTo(2);
    assertThat(log.integrator.unauthenticated())
        .isEqualTo(new TreeIntegrator.Unauthenticated(2, forged));

    // The refusals are integrated like any entry, and never written twice: not by later rounds,
    // not by another replica's integrator (or this one after a restart).
    log.append(3);
    assertThat(log.integrateRound()).as("2 refusal entries and 3 new entries").isEqualTo(9);
    TreeIntegrator otherReplica =
        new TreeIntegrator(
            log.db.dataSource(),
            log.tiles,
            () -> GATEWAY,
            AuditFixture.ORIGIN,
            Clock.systemUTC(),
            100,
            (seq, reason) -> log.refusals.add("again " + seq));
    log.append(1);
    assertThat(otherReplica.integrateOnce(true).map(Checkpoint::treeSize)).contains(10L);
    assertThat(otherReplica.unauthenticated().count()).isEqualTo(2);
    assertThat(log.refusals).hasSize(2);
    assertThat(refusalEntries()).isEqualTo(2);
    assertThat(log.db.queryLong("SELECT max(tree_size) FROM audit_checkpoint")).isEqualTo(10);

    // After the operator's investigation removes the forged rows, readiness is up again, and the
    // log (with its record of the refusals) verifies.
    log.db.execute(
        "ALTER TABLE audit_entry DISABLE TRIGGER USER",
        "DELETE FROM audit_entry WHERE seq IN (" + forged + ", " + garbage + ")",
        "ALTER TABLE audit_entry ENABLE TRIGGER USER");
    assertThat(log.integrator.unauthenticated().count()).isZero();
    Path bundle = dir.resolve("bundle.zip");
    log.exportAll(bundle);
    AuditFixture.CliRun run =
        AuditFixture.verify(bundle.toString(), "--key", GATEWAY.publicKey().hex());
    assertThat(run.exitCode()).as(run.output()).isZero();
  }

  @Test
  void aPendingRowEditedAfterAppendIsRefusedBeforeAnyCheckpointSignsIt() {
    var seqs = log.append(3);
    long bodyEdited = seqs.get(0);
    long actorEdited = seqs.get(1);
    // The owner switches the triggers off and rewrites two pending rows consistently (columns and
    // body alike), as an insider who wants the change to look genuine would.
    log.db.execute(
        "ALTER TABLE audit_entry DISABLE TRIGGER USER",
        "UPDATE audit_entry SET actor = 'mallory', body = convert_to(replace(convert_from(body,"
            + " 'UTF8'), '\"actor\":\"gateway\"', '\"actor\":\"mallory\"'), 'UTF8') WHERE seq = "
            + actorEdited,
        "UPDATE audit_entry SET outcome = 'allow', body = convert_to(replace(convert_from(body,"
            + " 'UTF8'), '\"outcome\":\"deny\"', '\"outcome\":\"allow\"'), 'UTF8') WHERE seq = "
            + bodyEdited,
        "ALTER TABLE audit_entry ENABLE TRIGGER USER");

    assertThat(log.integrateRound()).isEqualTo(1);
    assertThat(leafIndexOrMinusOne(actorEdited)).isEqualTo(-1);
    assertThat(leafIndexOrMinusOne(bodyEdited)).isEqualTo(-1);
    assertThat(leafIndexOrMinusOne(seqs.get(2))).isZero();
    assertThat(log.refusals)
        .containsExactly(
            bodyEdited
                + ": the entry's MAC does not verify (it was forged or altered after it was written)",
            actorEdited
                + ": the entry's MAC does not verify (it was forged or altered after it was written)");
    assertThat(log.db.queryLong("SELECT max(tree_size) FROM audit_checkpoint")).isEqualTo(1);
    assertThat(
            log.db.queryLong(
                "SELECT count(*) FROM audit_entry WHERE outcome = 'allow' AND seq = " + bodyEdited))
        .as("the edit took place")
        .isEqualTo(1);
  }

  @Test
  void aRowWhoseColumnsDisagreeWithItsBodyIsRefusedEvenWithAValidMac() {
    // A row the key holder wrote with columns that say something else than the hashed body (the
    // search index would then lie about what was signed).
    long seq = nextSeq();
    Instant time = now();
    AuditEntry entry = approval();
    byte[] body = EntryFormat.encode(entry, seq, time, null);
    var fields =
        new io.hsip.policygateway.audit.internal.EntryMac.Fields(
            seq, time, "admin-change", "alice", null, "ok", null, null, body);
    byte[] mac = io.hsip.policygateway.audit.internal.EntryMac.mac(log.macKey.get(), fields);
    log.db.execute(
        "INSERT INTO audit_entry (seq, recorded_at, kind, actor, outcome, body, mac, mac_key_id)"
            + " VALUES ("
            + seq
            + ", '"
            + time
            + "', 'admin-change', 'alice', 'ok', decode('"
            + java.util.HexFormat.of().formatHex(body)
            + "', 'hex'), decode('"
            + java.util.HexFormat.of().formatHex(mac)
            + "', 'hex'), '"
            + log.macKey.get().keyId()
            + "')");
    log.append(1);

    assertThat(log.integrateRound()).isEqualTo(1);
    assertThat(leafIndexOrMinusOne(seq)).isEqualTo(-1);
    assertThat(log.refusals).containsExactly(seq + ": column actor disagrees with the body");
  }

  private static final String GENUINE =
      " the row is genuine (its MAC verifies): restore it, do not delete it";

  @Test
  void aGenuineRowHiddenOutsideTheTreeIsRefusedThenIntegratedOnceRestored() {
    log.append(3);
    assertThat(log.integrateRound()).isEqualTo(3);
    var hidden = log.append(2);
    // An insider with the runtime role hides a genuine entry (say, a deny) outside the tree.
    log.db.execute("UPDATE audit_entry SET leaf_index = 1000000 WHERE seq = " + hidden.get(0));
    log.integrateRound();
    assertThat(log.refusals)
        .containsExactly(
            hidden.get(0)
                + ": leaf_index was set to 1000000 outside integration (the signed tree has 3"
                + " leaves);"
                + GENUINE);
    assertThat(log.integrator.unauthenticated().count()).isEqualTo(1);

    // The owner restores it, as the procedure says; it is then integrated and signed, not lost.
    log.db.execute(
        "ALTER TABLE audit_entry DISABLE TRIGGER USER",
        "UPDATE audit_entry SET leaf_index = NULL WHERE seq = " + hidden.get(0),
        "ALTER TABLE audit_entry ENABLE TRIGGER USER");
    log.integrateRound();
    assertThat(leafIndexOrMinusOne(hidden.get(0))).isGreaterThanOrEqualTo(3);
    assertThat(log.integrator.unauthenticated().count()).isZero();
    assertThat(log.refusals).as("refused once, not again").hasSize(1);
  }

  @Test
  void aRowWhoseLeafIndexIsSetOutOfRangeIsDetected() {
    log.append(3);
    assertThat(log.integrateRound()).isEqualTo(3);
    var hidden = log.append(3);
    // An insider with UPDATE on leaf_index parks pending rows where the integrator never looks.
    log.db.execute(
        "UPDATE audit_entry SET leaf_index = 1000000 WHERE seq = " + hidden.get(0),
        "UPDATE audit_entry SET leaf_index = -5 WHERE seq = " + hidden.get(1));

    assertThat(log.integrateRound()).as("the third new entry only").isEqualTo(4);
    assertThat(log.refusals)
        .containsExactly(
            hidden.get(1)
                + ": leaf_index was set to -5 outside integration (the signed tree has 3 leaves);"
                + GENUINE,
            hidden.get(0)
                + ": leaf_index was set to 1000000 outside integration (the signed tree has 3"
                + " leaves);"
                + GENUINE);
    assertThat(log.integrator.unauthenticated())
        .isEqualTo(new TreeIntegrator.Unauthenticated(2, hidden.get(0)));

    // A row parked on the very next leaf index blocks the tree there: integration stops (loudly:
    // refused, readiness down) rather than sign around it.
    var blocked = log.append(2);
    long next = log.db.queryLong("SELECT max(tree_size) FROM audit_checkpoint") + 2;
    log.db.execute(
        "UPDATE audit_entry SET leaf_index = " + next + " WHERE seq = " + blocked.get(0));
    assertThat(log.integrator.integrateOnce(true).map(Checkpoint::treeSize))
        .as("the two refusal entries fill the leaves below the parked row")
        .contains(next);
    Optional<Checkpoint> stuck = log.integrator.integrateOnce(true);
    assertThat(stuck).isEmpty();
    assertThat(log.refusals).hasSize(3).last().asString().startsWith(blocked.get(0) + ": ");
    assertThat(log.integrator.unauthenticated().count()).isEqualTo(3);
  }

  @Test
  void entriesPendingWhenMacsWereIntroducedAreIntegratedButNoLaterRowWithoutAMac() {
    AuditDatabase old = AuditDatabase.create("audit_prev23", "22");
    try {
      // Two entries as the pre-V23 writer stored them, still pending when V23 runs.
      String row =
          "INSERT INTO audit_entry (seq, recorded_at, kind, actor, body) VALUES (%d,"
              + " '2026-01-01T00:00:00Z', 'admin-change', 'old', convert_to('{\"action\":\"x\","
              + "\"actor\":\"old\",\"kind\":\"admin-change\",\"schema\":1,\"seq\":%d,"
              + "\"time\":\"2026-01-01T00:00:00.000Z\"}', 'UTF8'))";
      old.execute(
          String.format(java.util.Locale.ROOT, row, 1, 1),
          String.format(java.util.Locale.ROOT, row, 2, 2),
          "SELECT setval('audit_entry_seq', 2)");
      TreeIntegrator before =
          new TreeIntegrator(
              old.dataSource(),
              new io.hsip.policygateway.audit.internal.TileStore(),
              () -> GATEWAY,
              AuditFixture.ORIGIN,
              Clock.systemUTC(),
              1);
      old.migrate("latest");
      assertThat(old.queryLong("SELECT count(*) FROM audit_entry WHERE mac_key_id = 'pre-v23'"))
          .isEqualTo(2);
      assertThat(before.integratePending(true).map(Checkpoint::treeSize)).contains(2L);
      assertThatThrownBy(
              () ->
                  old.execute(
                      "INSERT INTO audit_entry (seq, recorded_at, kind, actor, body, mac_key_id)"
                          + " VALUES (3, now(), 'admin-change', 'x', convert_to('{}', 'UTF8'),"
                          + " 'pre-v23')"))
          .hasMessageContaining("audit_entry_mac_required");
    } finally {
      old.drop();
    }
  }

  @Test
  void withoutTheKeyAppendsFailClosedAndNothingIsWritten() throws Exception {
    try (EntryWriter writer =
        new EntryWriter(
            log.db.dataSource(),
            io.hsip.policygateway.audit.internal.EntryMac.keys(
                () -> {
                  throw new IllegalStateException("no signing key");
                }),
            AuditFixture.subjectKeys(),
            Clock.systemUTC(),
            10,
            10,
            AuditFixture.IGNORE)) {
      writer.start();
      var done = writer.submit(approval());
      assertThatThrownBy(done::get)
          .isInstanceOf(ExecutionException.class)
          .hasRootCauseMessage("no signing key")
          .cause()
          .hasMessage("the audit entries cannot be authenticated");
      assertThatThrownBy(
              () -> AuditLog.awaitDurable(writer, approval(), Duration.ofSeconds(5), () -> {}))
          .isInstanceOf(AuditAppendException.class);
    }
    assertThat(log.db.queryLong("SELECT count(*) FROM audit_entry")).isZero();
  }
}
