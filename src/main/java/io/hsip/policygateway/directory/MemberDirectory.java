package io.hsip.policygateway.directory;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionFactoryConfiguration;
import io.agroal.api.security.SimplePassword;
import io.hsip.policygateway.directory.internal.ChangeListener;
import io.hsip.policygateway.directory.internal.Snapshot;
import io.hsip.policygateway.policy.model.RequesterKind;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * This replica's copy of the member directory: an immutable snapshot in memory, so a lookup never
 * waits for the database. A {@link ChangeListener} on a connection of its own reloads it within
 * about a second of any committed change (LISTEN/NOTIFY) and every {@code
 * directory.reload.poll-interval} anyway; {@link #reloadNow()} loads at once.
 *
 * <p>Fail closed: before the first load, or once the copy is older than {@code
 * directory.max-staleness} because the database could not be reached to refresh it, every lookup
 * throws {@link DirectoryUnavailableException}, and the caller denies. Organisation members and
 * services are both {@code member} requesters; anyone else is {@code external}.
 */
@ApplicationScoped
public class MemberDirectory implements PeerDirectory {

  /** A loaded snapshot and when (monotonic clock) it was read. */
  private record Loaded(Snapshot snapshot, long atNanos) {}

  private final String name;
  private final DirectoryConfig.Reload timing;
  private final Duration maxStaleness;
  private final ChangeListener.ConnectionSource pool;
  private final ChangeListener.ConnectionSource dedicated;
  private volatile @Nullable Loaded loaded;
  private @Nullable ChangeListener listener;

  @Inject
  MemberDirectory(DirectoryConfig config, AgroalDataSource dataSource) {
    this(
        "live",
        config.reload(),
        config.maxStaleness(),
        dataSource::getConnection,
        dedicated(dataSource, config.reload().networkTimeout()));
  }

  /**
   * A directory copy reading through {@code pool} for {@link #reloadNow()} and listening on
   * connections from {@code dedicated}; {@link #start()} it. (Tests build a second replica this
   * way.)
   */
  MemberDirectory(
      String name,
      DirectoryConfig.Reload timing,
      Duration maxStaleness,
      ChangeListener.ConnectionSource pool,
      ChangeListener.ConnectionSource dedicated) {
    if (maxStaleness.compareTo(timing.pollInterval()) <= 0) {
      throw new IllegalArgumentException(
          "directory.max-staleness ("
              + maxStaleness
              + ") must be longer than directory.reload.poll-interval ("
              + timing.pollInterval()
              + ")");
    }
    this.name = name;
    this.timing = timing;
    this.maxStaleness = maxStaleness;
    this.pool = pool;
    this.dedicated = dedicated;
  }

  void onStart(@Observes StartupEvent event) {
    if (!timing.enabled()) {
      return;
    }
    try {
      // Ready as soon as the service is: no window in which a started replica must deny.
      reloadNow();
    } catch (DirectoryUnavailableException e) {
      Log.warnf("directory: %s; lookups fail closed until the listener loads it", e.getMessage());
    }
    start();
  }

  void onStop(@Observes ShutdownEvent event) {
    close();
  }

  /** Starts listening for changes (the first load happens on the listener's thread). */
  synchronized void start() {
    if (listener == null) {
      ChangeListener started =
          new ChangeListener(
              name,
              dedicated,
              timing.pollInterval(),
              timing.reconnectDelay(),
              timing.networkTimeout(),
              this::load);
      started.start();
      listener = started;
    }
  }

  /** Stops listening. */
  synchronized void close() {
    ChangeListener running = listener;
    if (running != null) {
      running.close();
      listener = null;
    }
  }

  /**
   * Loads the directory now and installs it before returning (after a write, so that this replica
   * answers with it at once).
   *
   * @throws DirectoryUnavailableException if the database cannot be read
   */
  public void reloadNow() {
    try (Connection c = pool.open()) {
      load(c);
    } catch (SQLException e) {
      throw new DirectoryUnavailableException(
          "the directory could not be loaded: " + e.getMessage());
    }
  }

  /**
   * Reads and installs a snapshot. Serialised, so that a load that read earlier never replaces one
   * that read later.
   */
  private synchronized void load(Connection c) throws SQLException {
    Snapshot snapshot = Snapshot.load(c);
    loaded = new Loaded(snapshot, System.nanoTime());
  }

  /**
   * Whether lookups are answered; otherwise why not (for readiness).
   *
   * @return empty when usable, else the reason
   */
  public Optional<String> unavailableReason() {
    Loaded current = loaded;
    if (current == null) {
      return Optional.of("the directory has not been loaded yet");
    }
    Duration age = Duration.ofNanos(System.nanoTime() - current.atNanos());
    if (age.compareTo(maxStaleness) > 0) {
      return Optional.of(
          "the directory could not be refreshed for "
              + age.toSeconds()
              + " s (directory.max-staleness is "
              + maxStaleness
              + ")");
    }
    return Optional.empty();
  }

  /** How many members and services the current copy holds (0 before the first load). */
  public int size() {
    Loaded current = loaded;
    return current == null ? 0 : current.snapshot().byPeerId().size();
  }

  private Snapshot usable() {
    Optional<String> reason = unavailableReason();
    Loaded current = loaded;
    if (reason.isPresent() || current == null) {
      throw new DirectoryUnavailableException(reason.orElse("the directory is not loaded"));
    }
    return current.snapshot();
  }

  @Override
  public RequesterFacts requester(String peerId) {
    return usable()
        .identity(peerId)
        .map(
            found ->
                new RequesterFacts(
                    peerId,
                    RequesterKind.MEMBER,
                    found.kind() == DirectoryIdentity.Kind.MEMBER ? found.groups() : Set.of()))
        .orElseGet(() -> RequesterFacts.external(peerId));
  }

  @Override
  public Optional<DirectoryIdentity> identity(String peerId) {
    return usable().identity(peerId);
  }

  @Override
  public Optional<DirectoryIdentity> boundTo(String ssoSubject) {
    return usable().boundTo(ssoSubject);
  }

  /**
   * New connections for the listener, made as the pool makes its own (URL, role, driver properties
   * such as TLS), plus the timeouts a connection that waits for notifications needs: without them a
   * silently dead connection would block its reader forever.
   */
  private static ChangeListener.ConnectionSource dedicated(
      AgroalDataSource dataSource, Duration networkTimeout) {
    return () -> {
      AgroalConnectionFactoryConfiguration factory =
          dataSource
              .getConfiguration()
              .connectionPoolConfiguration()
              .connectionFactoryConfiguration();
      Properties props = new Properties();
      String seconds = Long.toString(Math.max(1, networkTimeout.toSeconds()));
      props.setProperty("socketTimeout", seconds);
      props.setProperty("connectTimeout", seconds);
      props.setProperty("tcpKeepAlive", "true");
      props.putAll(factory.jdbcProperties());
      if (factory.principal() != null) {
        props.setProperty("user", factory.principal().getName());
      }
      for (Object credential : factory.credentials()) {
        if (credential instanceof SimplePassword password) {
          props.setProperty("password", password.getWord());
        }
      }
      props.setProperty("ApplicationName", "hsip-directory-listener");
      Connection c = DriverManager.getConnection(factory.jdbcUrl(), props);
      c.setAutoCommit(true);
      return c;
    };
  }
}
