package io.hsip.policygateway.audit.internal;

import io.hsip.policygateway.audit.AuditEntry;
import io.hsip.policygateway.audit.AuditLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Closes the last window in which the log could contradict an answer: a batch INSERT that failed
 * after it reached the server (typically the connection broke after the COMMIT was sent) may have
 * committed, while its callers already failed closed. Sequence numbers are drawn before the INSERT,
 * so the batch's numbers say what to look for: on a fresh connection, once no INSERT that was
 * already running can still commit, every entry found is followed by an {@value
 * AuditLog#VOID_ACTION} entry recording that its caller acted on the fail-closed result. If that
 * cannot be found out, it is retried with backoff; an entry left unresolved is counted ({@link
 * EntryWriter.Listener#unreconciled}) and logged as an error, never passed over silently.
 */
final class CommitReconciler {

  /** An entry whose INSERT was sent but whose commit was not confirmed; its caller failed. */
  record Unconfirmed(AuditEntry entry, long seq) {}

  /** The reason recorded in the voiding entry. */
  static final String REASON = "its commit was not confirmed and its caller failed closed";

  private static final Logger LOG = Logger.getLogger(CommitReconciler.class);
  private static final int ATTEMPTS = 8;
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** How long an INSERT that was already running may take to finish before this attempt fails. */
  private static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(30);

  private final DataSource dataSource;
  private final Function<AuditEntry, CompletableFuture<Long>> submit;
  private final EntryWriter.Listener listener;

  CommitReconciler(
      DataSource dataSource,
      Function<AuditEntry, CompletableFuture<Long>> submit,
      EntryWriter.Listener listener) {
    this.dataSource = dataSource;
    this.submit = submit;
    this.listener = listener;
  }

  /**
   * Finds out, in the background, which of {@code entries} were committed after all and voids them.
   */
  void reconcile(List<Unconfirmed> entries, Exception cause) {
    if (entries.isEmpty()) {
      return;
    }
    Thread.ofVirtual().name("audit-commit-reconciler").start(() -> run(entries, cause));
  }

  private void run(List<Unconfirmed> entries, Exception cause) {
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 1; ; attempt++) {
      Set<Long> committed;
      try {
        committed = committed(entries);
      } catch (SQLException | RuntimeException e) {
        if (attempt == ATTEMPTS) {
          listener.unreconciled(entries.size(), e);
          LOG.errorf(
              e,
              "AUDIT LOG MAY CONTRADICT ANSWERS: %d entries (seq %s) whose commit was not"
                  + " confirmed, and whose callers failed closed, may exist; checking failed %d"
                  + " times. Look them up and void them by hand (compliance/audit-verification.md).",
              entries.size(),
              seqs(entries),
              attempt);
          return;
        }
        LOG.warnf(
            "Cannot yet check whether %d unconfirmed audit entries were committed (attempt %d): %s",
            entries.size(), attempt, e.getMessage());
        if (!sleep(backoff)) {
          listener.unreconciled(entries.size(), e);
          return;
        }
        backoff = backoff.multipliedBy(2);
        if (backoff.compareTo(MAX_BACKOFF) > 0) {
          backoff = MAX_BACKOFF;
        }
        continue;
      }
      for (Unconfirmed u : entries) {
        if (!committed.contains(u.seq())) {
          continue;
        }
        if (AuditLog.VOID_ACTION.equals(u.entry().action())) {
          // A void says its entry did not take effect, which stays true whether or not anyone
          // heard of the void's commit; voiding it would read as reinstating that entry.
          LOG.infof(
              "Audit void entry %d was committed although its commit was not confirmed; it stands",
              u.seq());
          continue;
        }
        voidEntry(u, cause);
      }
      return;
    }
  }

  private void voidEntry(Unconfirmed u, Exception cause) {
    LOG.warnf(
        "Audit entry %d was committed although its commit was not confirmed (%s); its caller failed"
            + " closed, so it is voided",
        u.seq(), cause.getMessage());
    submit
        .apply(AuditLog.voiding(u.entry(), u.seq(), REASON))
        .whenComplete(
            (voidSeq, failure) -> {
              if (failure != null) {
                listener.unreconciled(1, failure instanceof Exception e ? e : cause);
                LOG.errorf(
                    failure,
                    "AUDIT LOG CONTRADICTS AN ANSWER: entry %d was committed after its caller had"
                        + " failed closed, and the entry voiding it could not be written",
                    u.seq());
              }
            });
  }

  /**
   * The sequence numbers of {@code entries} that exist, once every audit INSERT that was already
   * running when this check began has finished (a server may still commit a statement whose client
   * has gone).
   */
  private Set<Long> committed(List<Unconfirmed> entries) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      Timestamp start;
      try (PreparedStatement now = connection.prepareStatement("SELECT clock_timestamp()");
          ResultSet r = now.executeQuery()) {
        r.next();
        start = r.getTimestamp(1);
      }
      long deadline = System.nanoTime() + IN_FLIGHT_WAIT.toNanos();
      while (inFlight(connection, start) > 0) {
        if (System.nanoTime() > deadline || !sleep(Duration.ofMillis(50))) {
          throw new AuditStorageException("an audit INSERT that may hold these entries still runs");
        }
      }
      Set<Long> found = new HashSet<>();
      try (PreparedStatement select =
          connection.prepareStatement("SELECT seq FROM audit_entry WHERE seq = ANY (?)")) {
        select.setArray(
            1,
            connection.createArrayOf(
                "bigint", entries.stream().map(Unconfirmed::seq).toArray(Long[]::new)));
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            found.add(rows.getLong(1));
          }
        }
      }
      return found;
    }
  }

  /**
   * Audit INSERTs of other sessions (of this role: others' query texts are hidden) that started
   * before {@code start} and still run.
   */
  private static long inFlight(Connection connection, Timestamp start) throws SQLException {
    try (PreparedStatement count =
        connection.prepareStatement(
            "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                + " AND state = 'active' AND query_start <= ?"
                + " AND query LIKE '%INSERT INTO audit_entry%'"
                + " AND query NOT LIKE '%pg_stat_activity%'")) {
      count.setTimestamp(1, start);
      try (ResultSet r = count.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static String seqs(List<Unconfirmed> entries) {
    return entries.stream().map(u -> Long.toString(u.seq())).toList().toString();
  }

  private static boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
