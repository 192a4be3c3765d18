package io.hsip.policygateway.audit.internal;

import io.hsip.policygateway.audit.AuditCondition;
import io.hsip.policygateway.audit.AuditConditionFailedException;
import io.hsip.policygateway.audit.AuditEntry;
import io.hsip.policygateway.audit.EntryFormat;
import io.hsip.policygateway.hsip.transparency.EntryMacKey;
import io.hsip.policygateway.hsip.transparency.SubjectKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Group commit: callers enqueue entries; a writer thread takes everything pending (up to {@code
 * maxBatch}), writes it with a single multi-row INSERT in one transaction and completes each
 * caller's future only after the COMMIT returned. While one batch commits the next one gathers, so
 * the cost of a commit (the WAL flush) is shared by every entry in it. Sequence numbers are drawn
 * from the database sequence in blocks ({@link SequenceBlocks}); numbers of a block left unused by
 * a crash or shutdown are gaps, like those of rolled-back transactions.
 *
 * <p>Nothing is dropped silently: a full queue, a closed writer or a failed transaction completes
 * the futures exceptionally and reports the count to the {@link Listener}. An entry the database
 * refuses fails alone: the batch is split until the offending rows are found, and the others
 * commit. A batch that fails after its INSERT may have reached the server (a lost COMMIT reply)
 * fails its callers, and {@link CommitReconciler} then voids whichever of its entries did commit.
 *
 * <p>Every row is authenticated: it carries the MAC of all its columns but {@code leaf_index}
 * ({@link EntryMac}) under a key derived from the gateway's signing key, which the database never
 * sees, and the integrator folds in only rows whose MAC verifies. Without the key nothing is
 * written: the batch fails, and its callers fail closed.
 */
public final class EntryWriter implements AutoCloseable {

  /** Told about each batch, for metrics and for waking the integrator. */
  public interface Listener {
    /** {@code count} entries were committed. */
    void committed(int count);

    /** {@code count} entries failed; their callers got {@code cause}. */
    void failed(int count, Exception cause);

    /**
     * {@code count} entries whose commit was not confirmed may exist although their callers failed
     * closed, and it could not be found out (or the entries voiding them could not be written): the
     * log may contradict an answer. Alert on any.
     */
    default void unreconciled(int count, Exception cause) {}
  }

  /** Why an entry was not committed. */
  public static final class AppendFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    AppendFailedException(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The future of one submitted entry. Until a writer thread claims it for a batch, its caller may
   * {@linkplain #withdraw() withdraw} it, and then it is never written; once claimed, it is written
   * or fails like any other entry. The claim and the withdrawal are one atomic step, so an entry is
   * either written or withdrawn, never both and never neither.
   */
  public static final class Append extends CompletableFuture<Long> {
    private static final int QUEUED = 0;
    private static final int CLAIMED = 1;
    private static final int WITHDRAWN = 2;

    private final AtomicInteger state = new AtomicInteger(QUEUED);

    /**
     * Takes the entry back if no writer has claimed it yet; it then completes exceptionally and is
     * never written.
     *
     * @return true if withdrawn (never written); false if a writer had already claimed it, so it
     *     may still commit, or it has already completed
     */
    public boolean withdraw() {
      if (!state.compareAndSet(QUEUED, WITHDRAWN)) {
        return false;
      }
      completeExceptionally(new AppendFailedException("withdrawn before it was written", null));
      return true;
    }

    private boolean claim() {
      return state.compareAndSet(QUEUED, CLAIMED);
    }
  }

  private record Pending(AuditEntry entry, List<AuditCondition> conditions, Append done) {}

  /** One condition of one pending entry, for running a batch's conditions in lock order. */
  private record Held(Pending pending, AuditCondition condition) {}

  private record Row(
      Pending pending, long seq, @Nullable String pseudonym, byte[] body, byte[] mac) {}

  /**
   * A SQL expression that raises {@code synchronous_commit} to {@code on} for the current
   * transaction when it is {@code off} (the function form of {@code SET LOCAL}): an acknowledged
   * entry or checkpoint must survive a crash even where the server or role default does not wait
   * for the WAL flush. Every other setting already waits for the local flush and is kept as the
   * operator chose it (raising {@code local} would make appends wait for, and stall with, a
   * synchronous standby).
   */
  static final String DURABLE_COMMIT =
      "set_config('synchronous_commit', CASE WHEN current_setting('synchronous_commit') = 'off'"
          + " THEN 'on' ELSE current_setting('synchronous_commit') END, true)";

  /**
   * The batch insert. It first makes its own (implicit) transaction's commit durable ({@link
   * #DURABLE_COMMIT}); doing it inside the statement costs no extra round trip.
   */
  private static final String INSERT =
      """
      WITH durable AS (SELECT DURABLE_COMMIT AS mode)
      INSERT INTO audit_entry
        (seq, recorded_at, kind, actor, subject, outcome, policy_version, trace_id, body, mac, mac_key_id)
      SELECT u.seq, ?, u.kind, u.actor, u.subject, u.outcome, u.policy_version, u.trace_id, u.body, u.mac, ?
      FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[],
          ?::bytea[])
        AS u(seq, kind, actor, subject, outcome, policy_version, trace_id, body, mac), durable
      """
          .replace("DURABLE_COMMIT", DURABLE_COMMIT);

  private final DataSource dataSource;
  private final Supplier<EntryMacKey> macKey;
  private final Clock clock;
  private final int maxBatch;
  private final Listener listener;
  private final SubjectKeys subjectKeys;
  private final BlockingQueue<Pending> queue;
  private final List<Thread> threads = new ArrayList<>();
  private final SequenceBlocks sequence;
  private final Object lifecycle = new Object();
  private final CommitReconciler reconciler;
  private volatile boolean open = true;

  /** A writer with one writer thread; call {@link #start()} before submitting. */
  public EntryWriter(
      DataSource dataSource,
      Supplier<EntryMacKey> macKey,
      SubjectKeys subjectKeys,
      Clock clock,
      int maxBatch,
      int queueCapacity,
      Listener listener) {
    this(dataSource, macKey, subjectKeys, clock, maxBatch, queueCapacity, 1, listener);
  }

  /**
   * A writer; call {@link #start()} before submitting.
   *
   * @param macKey the key that authenticates every row ({@link EntryMac#keys}); it may throw when
   *     there is none, and the batch then fails
   * @param subjectKeys where subjects' pseudonymisation keys are created and found
   * @param writers how many batches may be in flight at once: while one waits for its WAL flush the
   *     next is already being inserted
   */
  public EntryWriter(
      DataSource dataSource,
      Supplier<EntryMacKey> macKey,
      SubjectKeys subjectKeys,
      Clock clock,
      int maxBatch,
      int queueCapacity,
      int writers,
      Listener listener) {
    this.dataSource = dataSource;
    this.macKey = macKey;
    this.subjectKeys = subjectKeys;
    this.clock = clock;
    this.maxBatch = maxBatch;
    this.listener = listener;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.sequence = new SequenceBlocks(dataSource, Math.max(maxBatch, 1000));
    this.reconciler = new CommitReconciler(dataSource, this::submit, listener);
    for (int i = 0; i < writers; i++) {
      threads.add(Thread.ofPlatform().name("audit-writer-" + i).daemon(true).unstarted(this::run));
    }
  }

  /** Starts the writer threads. */
  public void start() {
    threads.forEach(Thread::start);
  }

  /**
   * Queues {@code entry}; the future completes with its sequence number once it is committed, or
   * exceptionally with an {@link AppendFailedException}. Until a writer claims it, the caller may
   * {@linkplain Append#withdraw() withdraw} it.
   */
  public Append submit(AuditEntry entry) {
    return submit(entry, List.of());
  }

  /**
   * Queues {@code entry} with conditions that must hold, and whose changes commit, in the same
   * transaction as the entry ({@link AuditCondition}). If one does not hold, the future fails with
   * an {@link AuditConditionFailedException} and nothing of the entry is committed.
   */
  public Append submit(AuditEntry entry, List<AuditCondition> conditions) {
    List<AuditCondition> held = List.copyOf(conditions);
    Append done = new Append();
    boolean queued;
    boolean wasOpen;
    // The check and the offer are one step against close(): an entry is either queued while the
    // writer still drains the queue, or refused; never queued after the writer has gone.
    synchronized (lifecycle) {
      wasOpen = open;
      queued = wasOpen && queue.offer(new Pending(entry, held, done));
    }
    if (!wasOpen) {
      fail(
          List.of(new Pending(entry, held, done)),
          new AppendFailedException("the audit writer is shut down", null));
    } else if (!queued) {
      fail(
          List.of(new Pending(entry, held, done)),
          new AppendFailedException("the audit queue is full", null));
    }
    return done;
  }

  /** Entries waiting for a commit. */
  public int backlog() {
    return queue.size();
  }

  /**
   * Stops accepting entries, commits what is queued, and stops the threads. Whatever is still
   * queued when they are gone (they did not finish in time, or were interrupted) fails: no caller
   * waits for an entry that will never be written.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      open = false;
    }
    try {
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      List<Pending> left = new ArrayList<>();
      queue.drainTo(left);
      fail(left, new AppendFailedException("the audit writer is shut down", null));
    }
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (open || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        // What its caller withdrew (it gave up waiting and failed closed) must never be written.
        batch.removeIf(p -> !p.done().claim());
        if (!batch.isEmpty()) {
          write(batch);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // write() completes every future itself; this only keeps the thread alive on a bug.
        fail(
            batch.stream().filter(p -> !p.done().isDone()).toList(),
            new AppendFailedException("the audit writer failed", e));
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Pending> batch) {
    Instant time = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    EntryMacKey key;
    try {
      key = macKey.get();
    } catch (RuntimeException e) {
      // No key, no authenticated entry: an unauthenticated one would never be integrated.
      fail(batch, new AppendFailedException("the audit entries cannot be authenticated", e));
      return;
    }
    List<Row> rows = new ArrayList<>(batch.size());
    List<Pending> retryAlone = List.of();
    try (Connection connection = dataSource.getConnection()) {
      // Without conditions: one INSERT, committed on its own: a single round trip and a single WAL
      // flush per batch. With conditions: one transaction holds them and the INSERT, two more
      // round trips per batch (the conditions, the COMMIT), none per entry.
      // Subject keys are created by a separate statement; a key whose entries then fail to commit
      // is harmless.
      connection.setAutoCommit(true);
      Set<String> peerIds = subjects(batch);
      Map<String, SubjectKey> keys =
          peerIds.isEmpty() ? Map.of() : subjectKeys.resolve(connection, peerIds);
      boolean conditional = batch.stream().anyMatch(p -> !p.conditions().isEmpty());
      List<Pending> admitted = batch;
      if (conditional) {
        connection.setAutoCommit(false);
        admitted = applyConditions(connection, batch);
        if (admitted.isEmpty()) {
          restoreAutoCommit(connection);
          return;
        }
      }
      int n = admitted.size();
      long[] seqs = sequence.next(n);
      Map<String, String> pseudonyms = new HashMap<>();
      boolean encodingFailed = false;
      for (int i = 0; i < n; i++) {
        Pending p = admitted.get(i);
        String peer = p.entry().subjectPeerId();
        try {
          String pseudonym =
              peer == null ? null : pseudonyms.computeIfAbsent(peer, x -> keys.get(x).pseudonym(x));
          AuditEntry e = p.entry();
          byte[] body =
              EntryFormat.encode(
                  e,
                  seqs[i],
                  time,
                  pseudonym,
                  x -> pseudonyms.computeIfAbsent(x, y -> keys.get(y).pseudonym(y)));
          byte[] mac =
              EntryMac.mac(
                  key,
                  new EntryMac.Fields(
                      seqs[i],
                      time,
                      e.kind().wire(),
                      e.actor(),
                      pseudonym,
                      e.outcome(),
                      e.policyVersion(),
                      e.traceId(),
                      body));
          rows.add(new Row(p, seqs[i], pseudonym, body, mac));
        } catch (RuntimeException e) {
          // This entry alone cannot be stored; its number becomes a gap, the others go on.
          fail(List.of(p), new AppendFailedException("the audit entry could not be encoded", e));
          if (conditional) {
            // Its conditions already hold in this transaction and must not commit without it:
            // roll back, and write the others alone.
            encodingFailed = true;
          }
        }
      }
      if (encodingFailed) {
        connection.rollback();
        restoreAutoCommit(connection);
        retryAlone = rows.stream().map(Row::pending).toList();
        rows.clear();
      } else if (conditional) {
        retryAlone = insertInTransaction(connection, time, key.keyId(), rows);
      } else {
        insert(connection, time, key.keyId(), rows);
      }
    } catch (SQLException | RuntimeException e) {
      // Rows whose INSERT may have reached the server are not known to be absent: if the COMMIT
      // reply was lost they exist, though their callers fail closed now.
      List<CommitReconciler.Unconfirmed> unconfirmed =
          rows.stream()
              .filter(r -> !r.pending().done().isDone())
              .map(r -> new CommitReconciler.Unconfirmed(r.pending().entry(), r.seq()))
              .toList();
      try {
        fail(
            batch.stream().filter(p -> !p.done().isDone()).toList(),
            new AppendFailedException("the audit entry could not be committed", e));
      } finally {
        // Whatever the callers' continuations do, the check runs (on a thread of its own).
        reconciler.reconcile(unconfirmed, e);
      }
    }
    for (Pending p : retryAlone) {
      write(List.of(p));
    }
  }

  /**
   * Runs the conditions of {@code batch} in lock order in the connection's open transaction. If
   * some do not hold, their entries fail with {@link AuditConditionFailedException}, the
   * transaction is rolled back (so no change of a refused entry's other conditions survives) and
   * the conditions of the rest run again. Leaves the transaction open.
   *
   * @return the entries whose conditions all hold, in batch order
   */
  private static List<Pending> applyConditions(Connection connection, List<Pending> batch)
      throws SQLException {
    List<Pending> admitted = new ArrayList<>(batch);
    while (true) {
      List<Held> held = new ArrayList<>();
      for (Pending p : admitted) {
        for (AuditCondition condition : p.conditions()) {
          held.add(new Held(p, condition));
        }
      }
      held.sort(Comparator.comparing(h -> h.condition().lockKey()));
      Map<Pending, List<String>> refused = new LinkedHashMap<>();
      int from = 0;
      while (from < held.size()) {
        String sql = held.get(from).condition().sql();
        int to = from;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
          while (to < held.size() && held.get(to).condition().sql().equals(sql)) {
            held.get(to).condition().bind(statement);
            statement.addBatch();
            to++;
          }
          int[] counts = statement.executeBatch();
          for (int i = from; i < to; i++) {
            int count = counts[i - from];
            if (count == 0) {
              Held h = held.get(i);
              refused
                  .computeIfAbsent(h.pending(), x -> new ArrayList<>())
                  .add(h.condition().refusal());
            } else if (count != 1) {
              // Not a condition as the contract defines it: fail the batch rather than guess.
              throw new SQLException(
                  "an audit condition changed " + count + " rows instead of 0 or 1");
            }
          }
        }
        from = to;
      }
      if (refused.isEmpty()) {
        return admitted;
      }
      connection.rollback();
      refused.forEach(
          (p, reasons) ->
              p.done().completeExceptionally(new AuditConditionFailedException(reasons)));
      admitted.removeAll(refused.keySet());
      if (admitted.isEmpty()) {
        return admitted;
      }
    }
  }

  /**
   * Inserts {@code rows} and commits the transaction that holds their conditions. If the database
   * refuses the data of some row, the transaction is rolled back as a whole and, when there was
   * more than one, each entry is to be written alone (returned), so only the offending one fails.
   */
  private List<Pending> insertInTransaction(
      Connection connection, Instant time, String keyId, List<Row> rows) throws SQLException {
    try {
      insertAll(connection, time, keyId, rows);
      connection.commit();
    } catch (SQLException e) {
      if (!refusedData(e)) {
        throw e;
      }
      connection.rollback();
      if (rows.size() == 1) {
        fail(
            List.of(rows.get(0).pending()),
            new AppendFailedException("the audit entry could not be committed", e));
        return List.of();
      }
      return rows.stream().map(Row::pending).toList();
    } finally {
      restoreAutoCommit(connection);
    }
    for (Row row : rows) {
      row.pending().done().complete(row.seq());
    }
    listener.committed(rows.size());
    return List.of();
  }

  private static void restoreAutoCommit(Connection connection) {
    try {
      if (!connection.getAutoCommit()) {
        connection.rollback();
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      // The pool resets or discards a broken connection; nothing was pending any more.
    }
  }

  /**
   * Inserts {@code rows} in one statement. If the database refuses the data of some row (a data or
   * constraint error, not an unavailable database), the rows are split in halves and retried, so
   * that only the offending entries fail: one bad entry must not fail the unrelated appends that
   * happen to share its commit.
   */
  private void insert(Connection connection, Instant time, String keyId, List<Row> rows)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try {
      insertAll(connection, time, keyId, rows);
    } catch (SQLException e) {
      if (!refusedData(e)) {
        throw e;
      }
      if (rows.size() == 1) {
        fail(
            List.of(rows.get(0).pending()),
            new AppendFailedException("the audit entry could not be committed", e));
        return;
      }
      int half = rows.size() / 2;
      insert(connection, time, keyId, rows.subList(0, half));
      insert(connection, time, keyId, rows.subList(half, rows.size()));
      return;
    }
    for (Row row : rows) {
      row.pending().done().complete(row.seq());
    }
    listener.committed(rows.size());
  }

  private static void insertAll(Connection connection, Instant time, String keyId, List<Row> rows)
      throws SQLException {
    int n = rows.size();
    Object[] seq = new Object[n];
    Object[] kind = new Object[n];
    Object[] actor = new Object[n];
    Object[] subject = new Object[n];
    Object[] outcome = new Object[n];
    Object[] policy = new Object[n];
    Object[] trace = new Object[n];
    byte[][] body = new byte[n][];
    byte[][] mac = new byte[n][];
    for (int i = 0; i < n; i++) {
      Row row = rows.get(i);
      AuditEntry e = row.pending().entry();
      seq[i] = row.seq();
      kind[i] = e.kind().wire();
      actor[i] = e.actor();
      subject[i] = row.pseudonym();
      outcome[i] = e.outcome();
      policy[i] = e.policyVersion();
      trace[i] = e.traceId();
      body[i] = row.body();
      mac[i] = row.mac();
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setTimestamp(1, Timestamp.from(time));
      insert.setString(2, keyId);
      insert.setArray(3, connection.createArrayOf("bigint", seq));
      insert.setArray(4, connection.createArrayOf("text", kind));
      insert.setArray(5, connection.createArrayOf("text", actor));
      insert.setArray(6, connection.createArrayOf("text", subject));
      insert.setArray(7, connection.createArrayOf("text", outcome));
      insert.setArray(8, connection.createArrayOf("text", policy));
      insert.setArray(9, connection.createArrayOf("text", trace));
      insert.setArray(10, connection.createArrayOf("bytea", body));
      insert.setArray(11, connection.createArrayOf("bytea", mac));
      insert.executeUpdate();
    }
  }

  /**
   * Whether the database refused the data (SQLSTATE classes 22, 23, 54) rather than failed as a
   * whole.
   */
  private static boolean refusedData(SQLException e) {
    String state = e.getSQLState();
    return state != null
        && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
  }

  private static Set<String> subjects(List<Pending> batch) {
    Set<String> peerIds = new LinkedHashSet<>();
    for (Pending p : batch) {
      if (p.entry().subjectPeerId() != null) {
        peerIds.add(p.entry().subjectPeerId());
      }
      peerIds.addAll(p.entry().peerDetails().values());
    }
    return peerIds;
  }

  private void fail(List<Pending> batch, AppendFailedException cause) {
    if (batch.isEmpty()) {
      return;
    }
    int failed = 0;
    for (Pending p : batch) {
      // A withdrawn entry was already completed (and counted) by its caller.
      if (p.done().completeExceptionally(cause)) {
        failed++;
      }
    }
    if (failed > 0) {
      listener.failed(failed, cause);
    }
  }
}
