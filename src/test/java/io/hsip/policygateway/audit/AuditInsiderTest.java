package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.TestDatabase;
import io.hsip.policygateway.hsip.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An insider with the gateway's own database credentials (the runtime role) tries to edit, delete,
 * reorder and hide audit history and to switch the append-only triggers off: the database refuses
 * every attempt, each with its SQLState, and the log still verifies afterwards. The one change the
 * role may make, numbering a pending entry (the integrator's job), is caught before any checkpoint
 * signs it. (Rows the role inserts itself are the business of entry authentication.)
 *
 * <p>The log: 10 integrated entries (a checkpoint at tree size 10), 3 pending, one export record.
 */
class AuditInsiderTest {

  /** PostgreSQL's insufficient_privilege: a missing grant, ownership or a refusing trigger. */
  private static final String INSUFFICIENT_PRIVILEGE = "42501";

  @TempDir Path dir;
  private AuditFixture log;

  @BeforeEach
  void log() throws IOException {
    log = new AuditFixture(AuditDatabase.create("audit_insider"), Fixtures.RESPONDER);
    log.append(10);
    log.integrateRound();
    log.exportAll(dir.resolve("first.zip"));
    log.append(3);
  }

  @AfterEach
  void drop() {
    log.close();
  }

  /** One attempt: what it tries, and the start of the database's refusal. */
  private record Attempt(String sql, String refusal) {}

  private static final List<Attempt> ATTEMPTS =
      List.of(
          // Editing an entry's content.
          new Attempt(
              "UPDATE audit_entry SET body = convert_to('{}', 'UTF8') WHERE leaf_index = 3",
              "permission denied for table audit_entry"),
          new Attempt(
              "UPDATE audit_entry SET actor = 'mallory' WHERE leaf_index = 3",
              "permission denied for table audit_entry"),
          new Attempt(
              "UPDATE audit_entry SET kind = 'key-event' WHERE leaf_index = 3",
              "permission denied for table audit_entry"),
          new Attempt(
              "UPDATE audit_entry SET outcome = 'allow' WHERE leaf_index IS NULL",
              "permission denied for table audit_entry"),
          // Reordering integrated entries: leaf_index is writable, but only once, from NULL.
          new Attempt(
              "UPDATE audit_entry SET leaf_index = 100 WHERE leaf_index = 3",
              "audit entries are append-only: leaf_index is set once"),
          new Attempt(
              "UPDATE audit_entry SET leaf_index = 9 - leaf_index WHERE leaf_index IN (2, 7)",
              "audit entries are append-only: leaf_index is set once"),
          new Attempt(
              "UPDATE audit_entry SET leaf_index = NULL WHERE leaf_index = 9",
              "audit entries are append-only: leaf_index is set once"),
          // Removing entries.
          new Attempt(
              "DELETE FROM audit_entry WHERE leaf_index = 3",
              "permission denied for table audit_entry"),
          new Attempt(
              "DELETE FROM audit_entry WHERE leaf_index IS NULL",
              "permission denied for table audit_entry"),
          new Attempt("TRUNCATE audit_entry", "permission denied for table audit_entry"),
          // Switching the triggers off, or around.
          new Attempt(
              "ALTER TABLE audit_entry DISABLE TRIGGER USER", "must be owner of table audit_entry"),
          new Attempt(
              "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_integrate_once",
              "must be owner of table audit_entry"),
          new Attempt(
              "DROP TRIGGER audit_entry_no_delete ON audit_entry",
              "must be owner of relation audit_entry"),
          new Attempt(
              "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql"
                  + " AS $$ BEGIN RETURN NULL; END $$",
              "permission denied for schema"),
          new Attempt(
              "SET session_replication_role = replica",
              "permission denied to set parameter \"session_replication_role\""),
          new Attempt(
              "ALTER TABLE audit_entry OWNER TO CURRENT_USER",
              "must be owner of table audit_entry"),
          new Attempt("SET ROLE " + TestDatabase.ownerRole(), "permission denied to set role"),
          // Rewriting or removing checkpoints, export records and stored tree hashes.
          new Attempt(
              "UPDATE audit_checkpoint SET note = 'forged' WHERE tree_size = 10",
              "permission denied for table audit_checkpoint"),
          new Attempt(
              "DELETE FROM audit_checkpoint", "permission denied for table audit_checkpoint"),
          new Attempt("TRUNCATE audit_checkpoint", "permission denied for table audit_checkpoint"),
          new Attempt(
              "UPDATE audit_export SET tree_size = 0", "permission denied for table audit_export"),
          new Attempt("DELETE FROM audit_export", "permission denied for table audit_export"),
          new Attempt("TRUNCATE audit_export", "permission denied for table audit_export"),
          new Attempt(
              "UPDATE audit_tile SET hashes = substring(hashes FROM 1 FOR 32)",
              "audit tiles only grow"),
          new Attempt(
              "UPDATE audit_tile SET hashes = set_byte(hashes, 0, get_byte(hashes, 0) # 1)",
              "audit tiles only grow"),
          new Attempt("DELETE FROM audit_tile", "permission denied for table audit_tile"),
          // Swapping a subject's key would re-link erased pseudonyms.
          new Attempt(
              "UPDATE audit_subject_key SET secret = secret",
              "permission denied for table audit_subject_key"),
          // Blocking every append.
          new Attempt(
              "LOCK TABLE audit_entry IN ACCESS EXCLUSIVE MODE",
              "permission denied for table audit_entry"),
          // Shadow objects.
          new Attempt("CREATE TABLE audit_shadow (body bytea)", "permission denied for schema"),
          new Attempt("CREATE SCHEMA audit_shadow", "permission denied for database"));

  @Test
  void everyAttemptWithTheRuntimeCredentialsIsRefusedAndTheLogStillVerifies() throws Exception {
    String before = snapshot();
    SoftAssertions softly = new SoftAssertions();
    for (Attempt attempt : ATTEMPTS) {
      try (Connection insider = log.db.dataSource().getConnection();
          Statement s = insider.createStatement()) {
        insider.setAutoCommit(false);
        softly
            .assertThatThrownBy(() -> s.execute(attempt.sql()))
            .as(attempt.sql())
            .isInstanceOfSatisfying(
                SQLException.class,
                e ->
                    assertThat(e.getSQLState()).as(attempt.sql()).isEqualTo(INSUFFICIENT_PRIVILEGE))
            .hasMessageContaining(attempt.refusal());
        insider.rollback();
      }
    }
    softly.assertAll();
    assertThat(snapshot()).as("every audit table, read by the owner").isEqualTo(before);

    // The pending entries are integrated as usual, and the whole log verifies.
    assertThat(log.integrateRound()).isEqualTo(13);
    Path bundle = dir.resolve("after.zip");
    log.exportAll(bundle);
    AuditFixture.CliRun run =
        AuditFixture.verify(
            bundle.toString(),
            "--key",
            Fixtures.RESPONDER.publicKey().hex(),
            "--previous",
            dir.resolve("first.zip").toString());
    assertThat(run.exitCode()).as(run.output()).isZero();
  }

  @Test
  void numberingAPendingEntryOutOfTurnStopsIntegrationBeforeAnythingIsSigned() throws Exception {
    // The runtime role may set a pending entry's leaf_index (the integrator does): an insider moves
    // the last pending entry to the front of the next round.
    long last = log.db.queryLong("SELECT max(seq) FROM audit_entry WHERE leaf_index IS NULL");
    try (Connection insider = log.db.dataSource().getConnection();
        Statement s = insider.createStatement()) {
      // An index already used collides with the signed tree's entry...
      assertThatThrownBy(
              () -> s.execute("UPDATE audit_entry SET leaf_index = 5 WHERE seq = " + last))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
      // ...and a fresh one is accepted by the database, so integration must notice.
      s.execute("UPDATE audit_entry SET leaf_index = 10 WHERE seq = " + last);
    }
    // The row now sits on the next leaf index: the integrator refuses it (loudly: an authenticated
    // refusal entry, readiness down) and signs nothing around it.
    assertThat(log.integrator.integrateOnce(true)).isEmpty();
    assertThat(log.integrator.unauthenticated().count()).isEqualTo(1);
    assertThat(log.integrator.unauthenticated().firstSeq()).isEqualTo(last);
    assertThat(log.db.queryLong("SELECT max(tree_size) FROM audit_checkpoint")).isEqualTo(10);
    assertThat(log.db.queryLong("SELECT count(*) FROM audit_checkpoint")).isEqualTo(1);
  }

  /** Every row of every audit table, as the owner reads it. */
  private String snapshot() {
    StringBuilder out = new StringBuilder();
    for (String table :
        List.of(
            "audit_entry ORDER BY seq",
            "audit_checkpoint ORDER BY tree_size",
            "audit_tile ORDER BY level, idx",
            "audit_export ORDER BY id",
            "audit_subject_key ORDER BY subject_ref")) {
      String name = table.substring(0, table.indexOf(' '));
      out.append(name)
          .append(':')
          .append(
              log.db.queryLong(
                  "SELECT ('x' || substr(md5(coalesce(string_agg(t::text, '|'), '')), 1, 15))::bit(60)::bigint"
                      + " FROM (SELECT * FROM "
                      + table
                      + ") t"))
          .append('\n');
    }
    return out.toString();
  }
}
