package io.hsip.policygateway.policy.live;

import io.hsip.policygateway.policy.compile.Compilation;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.quarkus.logging.Log;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Keeps one replica's policy current: on its own database connection it LISTENs for publications
 * (the {@code policy_version} insert trigger NOTIFYs on commit) and loads the latest version of its set
 * as soon as one arrives; every {@code pollInterval} it checks anyway, in case a notification was lost.
 * A broken connection is replaced after {@code reconnectDelay}; the last loaded policy stays in force
 * meanwhile. The stored digest is verified against the loaded canonical document before use.
 */
public final class PolicyReloader implements AutoCloseable {

  /** The channel the publication trigger notifies (see V10__policy_lifecycle.sql). */
  public static final String CHANNEL = "hsip_policy_published";

  /** Opens a new database connection for the listener. */
  @FunctionalInterface
  public interface ConnectionSource {
    /** A new connection, owned by the caller. */
    Connection open() throws SQLException;
  }

  private final String name;
  private final ConnectionSource connections;
  private final String policySet;
  private final PolicyCompiler compiler;
  private final Duration pollInterval;
  private final Duration reconnectDelay;
  private final Consumer<CompiledPolicy> onLoad;
  private final AtomicReference<@Nullable CompiledPolicy> current = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile @Nullable Connection connection;

  /**
   * A reloader; {@link #start()} it.
   *
   * @param name names the thread and log lines (one reloader per replica)
   * @param onLoad called on the reloader's thread with each newly loaded version
   */
  public PolicyReloader(
      String name, ConnectionSource connections, String policySet, PolicyCompiler compiler, Duration pollInterval,
      Duration reconnectDelay, Consumer<CompiledPolicy> onLoad) {
    this.name = name;
    this.connections = connections;
    this.policySet = policySet;
    this.compiler = compiler;
    this.pollInterval = pollInterval;
    this.reconnectDelay = reconnectDelay;
    this.onLoad = onLoad;
    this.thread = Thread.ofPlatform().daemon().name("policy-reloader-" + name).unstarted(this::run);
  }

  /** Starts listening. */
  public void start() {
    thread.start();
  }

  /** The policy loaded last, or null before the first load. */
  public @Nullable CompiledPolicy current() {
    return current.get();
  }

  /** Stops listening and closes the connection. */
  @Override
  public void close() {
    running = false;
    Connection open = connection;
    if (open != null) {
      try {
        // Unblocks getNotifications() at once rather than after the poll interval.
        open.close();
      } catch (SQLException e) {
        Log.debugf("policy reloader %s: closing its connection failed: %s", name, e.getMessage());
      }
    }
    thread.interrupt();
  }

  private void run() {
    while (running) {
      try (Connection c = connections.open()) {
        connection = c;
        PGConnection pg = c.unwrap(PGConnection.class);
        try (Statement listen = c.createStatement()) {
          listen.execute("LISTEN " + CHANNEL);
        }
        // Check after LISTEN, so that a version published in between is not missed.
        check(c);
        long nextPoll = System.nanoTime() + pollInterval.toNanos();
        while (running) {
          int waitMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (nextPoll - System.nanoTime()) / 1_000_000));
          PGNotification[] notifications = pg.getNotifications(waitMs);
          boolean ours = false;
          if (notifications != null) {
            for (PGNotification n : notifications) {
              ours |= n.getParameter().startsWith(policySet + ":");
            }
          }
          if (ours || System.nanoTime() >= nextPoll) {
            check(c);
            nextPoll = System.nanoTime() + pollInterval.toNanos();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        Log.warnf("policy reloader %s: listening failed (%s); reconnecting in %s, the current policy stays in force",
            name, e.getMessage(), reconnectDelay);
        sleep(reconnectDelay);
      } finally {
        connection = null;
      }
    }
  }

  private void check(Connection c) throws SQLException {
    CompiledPolicy loaded = current.get();
    try (PreparedStatement latest = c.prepareStatement(
        "SELECT version, digest, canonical FROM policy_version WHERE policy_set = ? AND version > ?"
            + " ORDER BY version DESC LIMIT 1")) {
      latest.setString(1, policySet);
      latest.setInt(2, loaded == null ? 0 : loaded.version());
      try (ResultSet row = latest.executeQuery()) {
        if (!row.next()) {
          return;
        }
        load(row.getInt(1), row.getString(2), row.getString(3));
      }
    }
  }

  private void load(int version, String digest, String canonical) {
    Compilation compilation = compiler.compileForEnforcement(canonical);
    CompiledPolicy policy = compilation.policy();
    if (policy == null) {
      Log.errorf("policy reloader %s: %s v%d does not compile here (%s); keeping the current policy", name,
          policySet, version, compilation.errors().getFirst().format());
      return;
    }
    if (!policy.digest().equals(digest)) {
      Log.errorf("policy reloader %s: %s v%d does not match its digest; keeping the current policy", name, policySet,
          version);
      return;
    }
    CompiledPolicy live = policy.asVersion(version);
    current.set(live);
    Log.infof("policy reloader %s: %s v%d (sha256:%s) is live", name, policySet, version, digest.substring(0, 12));
    onLoad.accept(live);
  }

  private static void sleep(Duration delay) {
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
