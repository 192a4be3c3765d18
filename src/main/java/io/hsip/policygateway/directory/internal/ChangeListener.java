package io.hsip.policygateway.directory.internal;

import io.quarkus.logging.Log;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Keeps one replica's directory copy current: on a connection of its own it LISTENs on {@link
 * #CHANNEL} (the directory tables' triggers NOTIFY on commit) and reloads on every notification,
 * and every {@code pollInterval} anyway in case one was lost. The periodic reload is also the
 * connection's heartbeat: every read has {@code networkTimeout} as its deadline, so a silently dead
 * connection fails it and is replaced after {@code reconnectDelay}. The last copy stays in use
 * meanwhile; how long it may be used is the caller's decision.
 */
public final class ChangeListener implements AutoCloseable {

  /** The channel the directory triggers notify (V28__member_directory.sql). */
  public static final String CHANNEL = "hsip_directory_changed";

  /** Opens a new connection, owned by the listener. */
  @FunctionalInterface
  public interface ConnectionSource {
    /** A new connection in autocommit mode. */
    Connection open() throws SQLException;
  }

  /** Reloads the directory on the listener's connection. */
  @FunctionalInterface
  public interface Reload {
    /** Loads and installs a fresh copy. */
    void reload(Connection c) throws SQLException;
  }

  private final ConnectionSource connections;
  private final Duration pollInterval;
  private final Duration reconnectDelay;
  private final Duration networkTimeout;
  private final Reload reload;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile @Nullable Connection connection;

  /** A listener; {@link #start()} it. */
  public ChangeListener(
      String name,
      ConnectionSource connections,
      Duration pollInterval,
      Duration reconnectDelay,
      Duration networkTimeout,
      Reload reload) {
    this.connections = connections;
    this.pollInterval = pollInterval;
    this.reconnectDelay = reconnectDelay;
    this.networkTimeout = networkTimeout;
    this.reload = reload;
    this.thread =
        Thread.ofPlatform().daemon().name("directory-listener-" + name).unstarted(this::run);
  }

  /** Starts listening. */
  public void start() {
    thread.start();
  }

  /** Stops listening and closes the connection. */
  @Override
  public void close() {
    running = false;
    Connection open = connection;
    if (open != null) {
      try {
        open.close(); // unblocks getNotifications() at once
      } catch (SQLException e) {
        Log.debugf("directory listener: closing its connection failed: %s", e.getMessage());
      }
    }
    thread.interrupt();
  }

  private void run() {
    while (running) {
      try (Connection c = connections.open()) {
        connection = c;
        c.setNetworkTimeout(
            Runnable::run, (int) Math.min(Integer.MAX_VALUE, networkTimeout.toMillis()));
        try (Statement listen = c.createStatement()) {
          listen.execute("LISTEN " + CHANNEL);
        }
        // Load after LISTEN, so that a change committed in between is not missed.
        reload.reload(c);
        PGConnection pg = c.unwrap(PGConnection.class);
        long nextPoll = System.nanoTime() + pollInterval.toNanos();
        while (running) {
          int waitMs =
              (int)
                  Math.max(
                      1, Math.min(Integer.MAX_VALUE, (nextPoll - System.nanoTime()) / 1_000_000));
          PGNotification[] notifications = pg.getNotifications(waitMs);
          if ((notifications != null && notifications.length > 0)
              || System.nanoTime() >= nextPoll) {
            reload.reload(c);
            nextPoll = System.nanoTime() + pollInterval.toNanos();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        Log.warnf(
            "directory listener: %s; reconnecting in %s, the last loaded directory stays in use"
                + " until directory.max-staleness",
            e.getMessage(), reconnectDelay);
        try {
          Thread.sleep(reconnectDelay);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      } finally {
        connection = null;
      }
    }
  }
}
