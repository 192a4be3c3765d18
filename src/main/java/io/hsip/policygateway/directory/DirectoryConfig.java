package io.hsip.policygateway.directory;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/** Configuration of the member directory. */
@ConfigMapping(prefix = "directory")
public interface DirectoryConfig {

  /** How each replica keeps its in-memory copy current. */
  Reload reload();

  /**
   * How old the in-memory copy may grow while the database cannot be reached before lookups fail
   * closed ({@link DirectoryUnavailableException}); must exceed {@code reload.poll-interval}.
   */
  @WithDefault("2m")
  Duration maxStaleness();

  /** Bulk import limits. */
  @WithName("import")
  Import importLimits();

  /** Reloading. */
  interface Reload {
    /** Whether to listen for changes at all (off only in tests that drive reloads themselves). */
    @WithDefault("true")
    boolean enabled();

    /** Reload this often even without a notification, in case one was lost. */
    @WithDefault("30s")
    Duration pollInterval();

    /** Wait this long before replacing a broken listening connection. */
    @WithDefault("1s")
    Duration reconnectDelay();

    /** Longest wait for the database's answer before the listening connection counts as dead. */
    @WithDefault("10s")
    Duration networkTimeout();
  }

  /** Import. */
  interface Import {
    /** Largest import document, in bytes. */
    @WithDefault("8388608")
    int maxBytes();

    /** Most entries (groups, members and services together) in one import. */
    @WithDefault("100000")
    int maxEntries();
  }
}
