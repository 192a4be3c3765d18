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

  /** Export settings. */
  interface Export {
    /** Entries read per keyset page while streaming a bundle. */
    @WithDefault("2000")
    int pageSize();
  }
}
