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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Keeps one replica's policy current: on its own database connection it LISTENs for publications
 * (the {@code policy_version} insert trigger NOTIFYs on commit) and loads the latest version of its
 * set as soon as one arrives; every {@code pollInterval} it checks anyway, in case a notification
 * was lost. A broken connection is replaced after {@code reconnectDelay}; the last loaded policy
 * stays in force meanwhile. The stored digest is verified against the loaded canonical document
 * before use.
 *
 * <p>A connection can also die silently (a partition, a failed-over primary, a NAT that forgot it):
 * no error, no notification, and any read on it blocks forever. So every {@code heartbeat} the
 * reloader makes a round trip, and every read has the {@code networkTimeout} as its deadline; a
 * round trip that misses it counts as a broken connection and is replaced like one.
 */
public final class PolicyReloader implements AutoCloseable {

  /** The channel the publication trigger notifies (see V10__policy_lifecycle.sql). */
  public static final String CHANNEL = "hsip_policy_published";

  /**
   * How often the reloader acts, and how long it waits.
   *
   * @param pollInterval check the latest version this often even without a notification
   * @param reconnectDelay wait this long before replacing a broken connection
   * @param heartbeat make a round trip at least this often, to find a silently dead connection
   * @param networkTimeout longest wait for the server's answer before the connection counts as dead
   */
  public record Timing(
      Duration pollInterval, Duration reconnectDelay, Duration heartbeat, Duration networkTimeout) {
    /** Checks that every duration is positive. */
    public Timing {
      for (Duration d : new Duration[] {pollInterval, reconnectDelay, heartbeat, networkTimeout}) {
        if (!d.isPositive()) {
          throw new IllegalArgumentException("reload timings must be positive: " + d);
        }
      }
    }
  }

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
  private final Timing timing;
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
      String name,
      ConnectionSource connections,
      String policySet,
      PolicyCompiler compiler,
      Timing timing,
      Consumer<CompiledPolicy> onLoad) {
    this.name = name;
    this.connections = connections;
    this.policySet = policySet;
    this.compiler = compiler;
    this.timing = timing;
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
        // Whatever the connection source set, no read may block longer than this (getNotifications
        // applies its own shorter wait and restores this one afterwards).
        c.setNetworkTimeout(
            Runnable::run, (int) Math.min(Integer.MAX_VALUE, timing.networkTimeout().toMillis()));
        PGConnection pg = c.unwrap(PGConnection.class);
        try (Statement listen = c.createStatement()) {
          listen.execute("LISTEN " + CHANNEL);
        }
        // Check after LISTEN, so that a version published in between is not missed.
        check(c);
        long nextPoll = System.nanoTime() + timing.pollInterval().toNanos();
        long nextHeartbeat = System.nanoTime() + timing.heartbeat().toNanos();
        while (running) {
          long until = Math.min(nextPoll, nextHeartbeat);
          int waitMs =
              (int)
                  Math.max(1, Math.min(Integer.MAX_VALUE, (until - System.nanoTime()) / 1_000_000));
          PGNotification[] notifications = pg.getNotifications(waitMs);
          boolean ours = false;
          if (notifications != null) {
            for (PGNotification n : notifications) {
              ours |= n.getParameter().startsWith(policySet + ":");
            }
          }
          if (ours || System.nanoTime() >= nextPoll) {
            check(c);
            nextPoll = System.nanoTime() + timing.pollInterval().toNanos();
            nextHeartbeat = System.nanoTime() + timing.heartbeat().toNanos();
          } else if (System.nanoTime() >= nextHeartbeat) {
            heartbeat(c);
            nextHeartbeat = System.nanoTime() + timing.heartbeat().toNanos();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        Log.warnf(
            "policy reloader %s: listening failed (%s); reconnecting in %s, the current policy stays in force",
            name, e.getMessage(), timing.reconnectDelay());
        sleep(timing.reconnectDelay());
      } finally {
        connection = null;
      }
    }
  }

  /**
   * A round trip: fails within the network timeout when the connection is dead, however it died.
   */
  private static void heartbeat(Connection c) throws SQLException {
    try (Statement ping = c.createStatement()) {
      ping.execute("SELECT 1");
    }
  }

  private void check(Connection c) throws SQLException {
    CompiledPolicy loaded = current.get();
    try (PreparedStatement latest =
        c.prepareStatement(
            "SELECT version, digest, canonical FROM policy_version WHERE policy_set = ? AND version > ?"
                + " ORDER BY version DESC LIMIT 1")) {
      latest.setString(1, policySet);
      latest.setInt(2, loaded == null ? 0 : loaded.version());
      long start = System.nanoTime();
      try (ResultSet row = latest.executeQuery()) {
        if (!row.next()) {
          return;
        }
        int version = row.getInt(1);
        String digest = row.getString(2);
        String canonical = row.getString(3);
        load(version, digest, canonical, System.nanoTime() - start);
      }
    }
  }

  private void load(int version, String digest, String canonical, long fetchNanos) {
    long start = System.nanoTime();
    Compilation compilation = compiler.compileForEnforcement(canonical, digest);
    long compileNanos = System.nanoTime() - start;
    CompiledPolicy policy = compilation.policy();
    if (policy == null) {
      Log.errorf(
          "policy reloader %s: %s v%d does not compile here (%s); keeping the current policy",
          name, policySet, version, compilation.errors().getFirst().format());
      return;
    }
    if (!policy.digest().equals(digest)) {
      Log.errorf(
          "policy reloader %s: %s v%d does not match its digest; keeping the current policy",
          name, policySet, version);
      return;
    }
    CompiledPolicy live = policy.asVersion(version);
    current.set(live);
    Log.infof(
        "policy reloader %s: %s v%d (sha256:%s, %d rules) is live; read in %d ms, compiled in %d ms",
        name,
        policySet,
        version,
        digest.substring(0, 12),
        live.document().rules().size(),
        TimeUnit.NANOSECONDS.toMillis(fetchNanos),
        TimeUnit.NANOSECONDS.toMillis(compileNanos));
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
