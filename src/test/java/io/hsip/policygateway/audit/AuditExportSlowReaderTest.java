package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.Heavy;
import io.hsip.policygateway.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exports cannot starve decisions: 40 export bundles are requested at once over real HTTP on
 * loopback by clients that read 1 KB a second through a small receive buffer, while audit appends
 * (what the decision path does) run from several threads. Appends per second during the slow
 * exports stay within 20 % of the idle rate. Before exports were spooled, each held a pooled
 * connection and a snapshot for its whole stream, so 32 slow readers took the whole main pool and
 * appends stopped. Both figures are printed and written to {@code
 * target/audit-export-slow-readers.txt}.
 */
@QuarkusTest
@TestProfile(AuditExportSlowReaderTest.SlowReaders.class)
@Heavy
class AuditExportSlowReaderTest {

  /** Lets 40 exports queue for the two readers while the log is large enough to block them. */
  public static class SlowReaders implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("audit.export.queue-timeout", "180s");
    }
  }

  private static final int EXPORTS = 40;
  private static final int APPENDERS = 8;
  private static final int SEEDED = 20_000;
  private static final Duration MEASURE = Duration.ofSeconds(8);

  @Inject AuditLog log;
  @Inject AuditIntegration integration;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void fortySlowExportsLeaveAppendThroughputWithinTwentyPercent() throws Exception {
    seed();
    appendsPerSecond(Duration.ofSeconds(3)); // warm-up
    double idle = appendsPerSecond(MEASURE);

    String path =
        "/api/v1/audit/export?from=2000-01-01T00:00:00Z&to="
            + Instant.now().truncatedTo(ChronoUnit.MILLIS).plus(Duration.ofDays(1));
    String token = TestTokens.auditor();
    List<SlowClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < EXPORTS; i++) {
        clients.add(new SlowClient(port, path, token));
      }
      // Every export is answered (the new design spools first, then streams) or has been given up.
      long waitUntil = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < waitUntil && clients.stream().anyMatch(c -> c.status() < 0)) {
        Thread.sleep(200);
      }
      double during = appendsPerSecond(MEASURE);
      long answered = clients.stream().filter(c -> c.status() == 200).count();
      long streaming = clients.stream().filter(SlowClient::streaming).count();
      String report =
          String.format(
              "appends/s idle %.0f, during %d slow exports %.0f (%.0f %%); exports answered 200: %d,"
                  + " still streaming at 1 KB/s after the measurement: %d%n",
              idle, EXPORTS, during, 100 * during / idle, answered, streaming);
      System.out.print(report);
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "audit-export-slow-readers.txt"), report);

      assertThat(during).as(report).isGreaterThanOrEqualTo(0.8 * idle);
      assertThat(answered).as(report).isEqualTo(EXPORTS);
      assertThat(streaming).as(report).isEqualTo(EXPORTS);
    } finally {
      clients.forEach(SlowClient::close);
    }
  }

  private void seed() {
    List<CompletableFuture<Long>> pending = new ArrayList<>();
    for (int i = 0; i < SEEDED; i++) {
      pending.add(
          log.appendAsync(
              AuditEntry.decision("I4MLJTQWUZ66GBMNYEP75Z2QSD", i % 3 == 0 ? "deny" : "allow")
                  .policyVersion("sha256:" + "ab".repeat(32))
                  .requestHash(String.format("%064x", i))
                  .explanation("rules/" + i)
                  .build()));
      if (pending.size() == 2000) {
        pending.forEach(CompletableFuture::join);
        pending.clear();
      }
    }
    pending.forEach(CompletableFuture::join);
    integration.integrateNow();
  }

  /** Successful appends per second from {@link #APPENDERS} threads over {@code period}. */
  private double appendsPerSecond(Duration period) throws InterruptedException {
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + period.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < APPENDERS; t++) {
      int thread = t;
      threads.add(
          Thread.ofPlatform()
              .name("appender-" + t)
              .start(
                  () -> {
                    long i = 0;
                    while (System.nanoTime() < deadline) {
                      try {
                        log.append(
                            AuditEntry.decision("I4MLJTQWUZ66GBMNYEP75Z2QSD", "allow")
                                .explanation("load/" + thread + "/" + i++)
                                .build());
                        if (System.nanoTime() <= deadline) {
                          done.incrementAndGet();
                        }
                      } catch (RuntimeException e) {
                        // A failed append is a decision that failed closed: not counted.
                      }
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join(Duration.ofSeconds(30));
    }
    return done.get() / (period.toNanos() / 1e9);
  }

  /**
   * An HTTP/1.1 client on a raw socket with a small receive buffer that reads 1 KB a second, as a
   * slow auditor's download would.
   */
  private static final class SlowClient implements AutoCloseable {
    private final Socket socket = new Socket();
    private volatile int status = -1;
    private volatile boolean ended;
    private final Thread reader;

    SlowClient(int port, String path, String token) throws IOException {
      socket.setReceiveBufferSize(2048);
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + token
                  + "\r\nAccept: application/zip, application/problem+json\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      reader = Thread.ofPlatform().daemon(true).start(this::read);
    }

    private void read() {
      byte[] buffer = new byte[1024];
      try (InputStream in = socket.getInputStream()) {
        while (true) {
          int n = in.read(buffer);
          if (n < 0) {
            break;
          }
          if (status < 0) {
            String head = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
            status =
                head.startsWith("HTTP/1.1 ") && head.length() >= 12
                    ? Integer.parseInt(head.substring(9, 12))
                    : 0;
          }
          Thread.sleep(1000);
        }
      } catch (IOException | InterruptedException | NumberFormatException e) {
        // Closed by the test, or by the server.
      }
      if (status < 0) {
        status = 0;
      }
      ended = true;
    }

    int status() {
      return status;
    }

    /** Answered 200 and still sending: the reader is slow, not finished. */
    boolean streaming() {
      return status == 200 && !ended;
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // Nothing left to do.
      }
      reader.interrupt();
    }
  }
}
