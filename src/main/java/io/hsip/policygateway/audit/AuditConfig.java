package io.hsip.policygateway.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Configuration of the audit log. */
@ConfigMapping(prefix = "audit")
public interface AuditConfig {

  /**
   * Name of the log in its checkpoints (the C2SP origin and signing-key name): no spaces, no '+'.
   */
  @WithDefault("hsip.io/policy-gateway/audit")
  String origin();

  /**
   * File holding the key-encryption key that wraps every subject's pseudonymisation key: 32 random
   * bytes in Base64 ({@code openssl rand -base64 32}), mounted from a Kubernetes Secret in
   * production. Without it no subject key can be created or read, so appends about a subject fail
   * closed and readiness is DOWN. Losing it makes every pseudonym unlinkable for good: back it up.
   */
  Optional<Path> subjectKekFile();

  /**
   * Generate a throwaway key-encryption key at {@link #subjectKekFile()} when the file is missing.
   * Development and tests only (refused in production, where replicas would each mint their own).
   */
  @WithDefault("false")
  boolean subjectKekGenerateIfMissing();

  /** Durable appends. */
  Append append();

  /** Folding entries into the tree and signing checkpoints. */
  Integration integration();

  /** Export bundles. */
  Export export();

  /** Durable append settings. */
  interface Append {
    /** Most entries written in one group commit. */
    @WithDefault("2000")
    int maxBatch();

    /**
     * Writer threads, each with a batch in flight: while one waits for its WAL flush the next
     * inserts.
     */
    @WithDefault("2")
    int writers();

    /**
     * Most entries waiting for a commit; a full queue fails appends instead of growing without
     * bound.
     */
    @WithDefault("100000")
    int queueCapacity();

    /** How long {@code append} waits for its commit before failing (the caller then denies). */
    @WithDefault("10s")
    Duration timeout();
  }

  /** Integration settings. */
  interface Integration {
    /**
     * Whether this replica takes part in integration (at most one replica integrates at a time).
     */
    @WithDefault("true")
    boolean enabled();

    /** Integrate and sign a checkpoint at least this often while entries are pending. */
    @WithDefault("1s")
    Duration interval();

    /**
     * Sign checkpoints at most this often under sustained load (an idle log is checkpointed at
     * once, and a full batch pending is integrated without waiting).
     */
    @WithDefault("1s")
    Duration minCheckpointInterval();

    /** Integrate early once this many entries were appended here since the last round. */
    @WithDefault("10000")
    int everyEntries();

    /** Most entries folded into the tree in one round (one transaction, one checkpoint). */
    @WithDefault("50000")
    int maxBatch();
  }

  /**
   * Export settings. An export reads the database at database speed, in one short transaction on
   * the separate {@code export} datasource, into a spool file in a private temporary directory, and
   * only then streams that file to the client: a slow reader holds a file and a virtual thread,
   * never a database connection, a snapshot or a lock, so exports cannot starve decisions
   * (docs/operations.md#audit-log-exports-and-backups).
   */
  interface Export {
    /** Entries read per keyset page while reading a bundle. */
    @WithDefault("2000")
    int pageSize();

    /**
     * Exports reading the database at once, on this replica. Keep the {@code export} datasource's
     * pool ({@code quarkus.datasource.export.jdbc.max-size}) at least this large; it is separate
     * from the main pool, so decisions never wait for an export's connection.
     */
    @WithDefault("2")
    int maxConcurrentReads();

    /**
     * How long an export waits for one of the {@link #maxConcurrentReads()} slots before it is
     * refused with 503 and {@code Retry-After}: requests never queue without bound.
     */
    @WithDefault("10s")
    Duration queueTimeout();

    /**
     * Exports accepted and not yet fully streamed (spooled on disk, or being read), on this
     * replica; one more is refused at once with 503 and {@code Retry-After}. Together with {@link
     * #maxSpoolBytes()} it bounds the disk the spool may use.
     */
    @WithDefault("64")
    int maxInFlight();

    /**
     * Largest spool file of one export; an export that would be larger is stopped and refused with
     * 422 (narrow the range).
     */
    @WithDefault("2147483648")
    long maxSpoolBytes();

    /**
     * Where the private spool directory (mode 0700, removed at shutdown) is created; the JVM's
     * temporary directory if unset.
     */
    Optional<Path> spoolDirectory();

    /**
     * A spool file older than this is deleted even if its response never finished (a response that
     * was abandoned before streaming began), so a leak cannot fill the disk.
     */
    @WithDefault("6h")
    Duration spoolLifetime();

    /** {@code statement_timeout} of the export's transaction: no query of an export runs longer. */
    @WithDefault("60s")
    Duration statementTimeout();

    /**
     * {@code idle_in_transaction_session_timeout} of the export's transaction: the server ends a
     * snapshot the gateway stopped using, so VACUUM is never held back for long.
     */
    @WithDefault("30s")
    Duration idleInTransactionTimeout();

    /** {@code lock_timeout} of the export's transaction. */
    @WithDefault("5s")
    Duration lockTimeout();

    /**
     * How long an export tries to have the entries pending when it arrived integrated and signed
     * first. It never blocks on the integration lock (another replica holding it is integrating
     * anyway); past this, it exports what is signed and counts the window's pending entries.
     */
    @WithDefault("5s")
    Duration integrationWait();

    /** The {@code Retry-After} a refused export is given. */
    @WithDefault("5s")
    Duration retryAfter();
  }
}
