package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.exceptionsorter.PostgreSQLExceptionSorter;
import io.agroal.api.security.NamePrincipal;
import io.hsip.policygateway.audit.internal.EntryWriter;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The COMMIT reply of a batch is lost, on the real PostgreSQL: the writer talks to it through a TCP
 * proxy that forwards the batch INSERT and then cuts the connection instead of relaying the reply,
 * so the commit is real and only its confirmation is missing. The caller fails closed; the writer
 * then finds the entry on a fresh connection and voids it. An INSERT killed before its commit
 * leaves nothing to void.
 */
class AuditCommitReplyLostTest {

  private static final String PEER = "I4MLJTQWUZ66GBMNYEP75Z2QSD";

  private AuditDatabase db;
  private LossyProxy proxy;
  private AgroalDataSource viaProxy;
  private EntryWriter writer;
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger unreconciled = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    db = AuditDatabase.create("audit_reply_lost");
    proxy = new LossyProxy(5432);
    viaProxy =
        AgroalDataSource.from(
            new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(
                    cp ->
                        cp.maxSize(5)
                            .acquisitionTimeout(Duration.ofSeconds(5))
                            .exceptionSorter(new PostgreSQLExceptionSorter())
                            .connectionFactoryConfiguration(
                                cf ->
                                    cf.jdbcUrl(
                                            "jdbc:postgresql://127.0.0.1:"
                                                + proxy.port()
                                                + "/"
                                                + AuditDatabase.database()
                                                + "?currentSchema="
                                                + db.schema()
                                                + "&connectTimeout=2")
                                        .principal(
                                            new NamePrincipal(
                                                System.getenv()
                                                    .getOrDefault("HSIP_DB_USER", "hsip"))))));
    writer =
        new EntryWriter(
            viaProxy,
            AuditFixture.macKey(io.hsip.policygateway.hsip.Fixtures.RESPONDER),
            AuditFixture.subjectKeys(),
            Clock.systemUTC(),
            100,
            100,
            new EntryWriter.Listener() {
              @Override
              public void committed(int count) {}

              @Override
              public void failed(int count, Exception cause) {
                failures.addAndGet(count);
              }

              @Override
              public void unreconciled(int count, Exception cause) {
                unreconciled.addAndGet(count);
              }
            });
    writer.start();
  }

  @AfterEach
  void stop() throws Exception {
    writer.close();
    viaProxy.close();
    proxy.close();
    db.drop();
  }

  @Test
  void anEntryWhoseCommitReplyWasLostIsFoundAndVoided() throws Exception {
    proxy.loseNextInsertReply.set(true);
    assertThatThrownBy(
            () ->
                AuditLog.awaitDurable(
                    writer,
                    AuditEntry.decision(PEER, "allow").build(),
                    Duration.ofSeconds(10),
                    failures::incrementAndGet))
        .isInstanceOf(AuditAppendException.class)
        .hasMessage("The audit entry could not be made durable.");

    List<JsonNode> entries = awaitEntries(2);
    assertTheSecondVoidsTheFirst(entries);
    assertThat(failures).hasValue(1);
    assertThat(unreconciled).hasValue(0);
  }

  @Test
  void aVoidWhoseCommitReplyWasLostStandsAndIsNotVoidedInTurn() throws Exception {
    // A void of entry 7 (say, written after its caller timed out) loses its COMMIT reply: it is
    // still true, and voiding it would read as reinstating entry 7.
    AuditEntry voiding =
        AuditLog.voiding(AuditEntry.decision(PEER, "allow").build(), 7, "a test of the rule");
    proxy.loseNextInsertReply.set(true);
    assertThatThrownBy(() -> writer.submit(voiding).get(10, TimeUnit.SECONDS)).isNotNull();
    List<JsonNode> entries = awaitEntries(1);
    Thread.sleep(1500);
    assertThat(db.queryLong("SELECT count(*) FROM audit_entry")).isEqualTo(1);
    assertThat(entries.get(0).path("action").asText()).isEqualTo(AuditLog.VOID_ACTION);
    assertThat(unreconciled).hasValue(0);
  }

  @Test
  void whileTheDatabaseCannotBeReachedTheCheckIsRetriedUntilItCan() throws Exception {
    proxy.loseNextInsertReply.set(true);
    proxy.refuseAfterLoss.set(true);
    CompletableFuture<Long> done = writer.submit(AuditEntry.decision(PEER, "allow").build());
    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).isNotNull();
    // The entry is committed, but the writer cannot reach the database to find out yet.
    Thread.sleep(800);
    assertThat(db.queryLong("SELECT count(*) FROM audit_entry")).isEqualTo(1);
    proxy.refuse.set(false);

    assertTheSecondVoidsTheFirst(awaitEntries(2));
    assertThat(failures).hasValue(1);
    assertThat(unreconciled).hasValue(0);
  }

  @Test
  void anInsertKilledBeforeItsCommitLeavesNothingToVoid() throws Exception {
    // Only the owner may lock the table outright; only the runtime role (or a superuser) may end
    // the runtime role's own sessions.
    try (Connection lock = db.ownerDataSource().getConnection();
        Connection killer = db.dataSource().getConnection()) {
      lock.setAutoCommit(false);
      try (Statement s = lock.createStatement()) {
        s.execute("LOCK TABLE audit_entry IN ACCESS EXCLUSIVE MODE");
      }
      CompletableFuture<Long> done = writer.submit(AuditEntry.decision(PEER, "allow").build());
      awaitInsertWaitingOnTheLock();
      try (Statement s = killer.createStatement()) {
        s.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO audit_entry%'"
                + " AND pid <> pg_backend_pid()");
      }
      assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).isNotNull();
      lock.rollback();
    }
    Thread.sleep(1500);
    assertThat(db.queryLong("SELECT count(*) FROM audit_entry")).isZero();
    assertThat(failures).hasValue(1);
    assertThat(unreconciled).hasValue(0);
  }

  private static void assertTheSecondVoidsTheFirst(List<JsonNode> entries) {
    JsonNode late = entries.get(0);
    JsonNode voiding = entries.get(1);
    assertThat(late.path("action").asText()).isEqualTo("consent.decide");
    assertThat(late.path("outcome").asText()).isEqualTo("allow");
    assertThat(voiding.path("action").asText()).isEqualTo(AuditLog.VOID_ACTION);
    assertThat(voiding.path("outcome").asText()).isEqualTo("void");
    assertThat(voiding.path("subject").asText()).isEqualTo(late.path("subject").asText());
    JsonNode details = voiding.path("details");
    assertThat(details.path("voids_seq").asText()).isEqualTo(late.path("seq").asText());
    assertThat(details.path("voided_outcome").asText()).isEqualTo("allow");
    assertThat(details.path("reason").asText())
        .isEqualTo("its commit was not confirmed and its caller failed closed");
  }

  private void awaitInsertWaitingOnTheLock() throws Exception {
    // Asked as the runtime role: only a session's own role (or a superuser) sees its query text.
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      for (int i = 0; i < 200; i++) {
        try (ResultSet r =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    + " AND query LIKE '%INSERT INTO audit_entry%'")) {
          r.next();
          if (r.getLong(1) >= 1) {
            return;
          }
        }
        Thread.sleep(25);
      }
    }
    throw new AssertionError("the writer never reached the locked table");
  }

  private List<JsonNode> awaitEntries(int count) throws Exception {
    for (int i = 0; i < 400; i++) {
      if (db.queryLong("SELECT count(*) FROM audit_entry") >= count) {
        break;
      }
      Thread.sleep(25);
    }
    Thread.sleep(200);
    List<JsonNode> entries = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT convert_from(body, 'UTF8') FROM audit_entry ORDER BY seq")) {
      while (r.next()) {
        entries.add(ObjectMappers.standard().readTree(r.getString(1)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    assertThat(entries).hasSize(count);
    return entries;
  }

  /**
   * A TCP proxy to PostgreSQL that, once armed, forwards the next batch INSERT and then cuts that
   * connection as soon as the server answers: the server has committed, the client never hears so.
   * It can also refuse connections for a while (and cut every open one), like an outage.
   */
  static final class LossyProxy implements AutoCloseable {
    final AtomicBoolean loseNextInsertReply = new AtomicBoolean();
    final AtomicBoolean refuseAfterLoss = new AtomicBoolean();
    final AtomicBoolean refuse = new AtomicBoolean();
    private final ServerSocket server;
    private final int target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    LossyProxy(int target) throws IOException {
      this.target = target;
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofPlatform().daemon().name("lossy-proxy").start(this::accept);
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          if (refuse.get()) {
            client.close();
            continue;
          }
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
          sockets.add(client);
          sockets.add(upstream);
          AtomicBoolean doomed = new AtomicBoolean();
          Thread.ofPlatform().daemon().start(() -> pump(client, upstream, doomed, true));
          Thread.ofPlatform().daemon().start(() -> pump(upstream, client, doomed, false));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void pump(Socket from, Socket to, AtomicBoolean doomed, boolean toServer) {
      byte[] buffer = new byte[65536];
      try (InputStream in = from.getInputStream();
          OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          if (toServer
              && new String(buffer, 0, n, StandardCharsets.ISO_8859_1)
                  .contains("INSERT INTO audit_entry")
              && loseNextInsertReply.compareAndSet(true, false)) {
            doomed.set(true);
          }
          if (!toServer && doomed.get()) {
            // The server has answered (after its commit): the client never gets the reply.
            if (refuseAfterLoss.get()) {
              refuse.set(true);
              sockets.forEach(LossyProxy::closeQuietly);
            }
            closeQuietly(from);
            closeQuietly(to);
            return;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // One side went away: so does the other.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }

    private static void closeQuietly(Socket socket) {
      try {
        socket.close();
      } catch (IOException e) {
        // Already closed.
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      sockets.forEach(LossyProxy::closeQuietly);
    }
  }
}
