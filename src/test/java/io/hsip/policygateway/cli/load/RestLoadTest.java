package io.hsip.policygateway.cli.load;

import static io.hsip.policygateway.cli.load.ReportJson.kind;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hsip.policygateway.cli.HsipCli;
import io.hsip.policygateway.hsip.consent.ConsentDecision;
import io.hsip.policygateway.hsip.consent.ConsentParseException;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hsip load rest} against a tiny in-process HTTP server on 127.0.0.1 that implements the
 * decision API's contract: bearer token, body {@code {"request": ..., "target_peer_id": ...}}, 200
 * with effect and reason for allow and deny, problem+json 400 and 401.
 */
@Timeout(20)
class RestLoadTest {

  private static final Clock CLOCK = Clock.systemUTC();
  private static final String TOKEN = "eyJ.test.token";
  private static final String TARGET = "TARGETPEER1234567890ABCDEF";

  @TempDir Path dir;
  private final AtomicLong decisions = new AtomicLong();
  private final AtomicLong badBodies = new AtomicLong();
  private final Set<String> targets = ConcurrentHashMap.newKeySet();
  private ExecutorService executor;
  private HttpServer server;
  private StringWriter err;

  @BeforeEach
  void start() throws IOException {
    PurposeDecider decider = new PurposeDecider("work.allow", CLOCK);
    executor = Executors.newFixedThreadPool(4);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(executor);
    server.createContext(RestLoad.DECISIONS_PATH, exchange -> decide(exchange, decider));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void decide(HttpExchange exchange, PurposeDecider decider) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        problem(exchange, 401, "Unauthorized");
        return;
      }
      ConsentRequest request;
      try {
        JsonNode json = ObjectMappers.strict().readTree(body);
        if (json.hasNonNull("target_peer_id")) {
          targets.add(json.get("target_peer_id").asText());
        }
        request =
            ConsentRequest.parse(ObjectMappers.standard().writeValueAsBytes(json.get("request")));
      } catch (IOException | ConsentParseException | RuntimeException e) {
        badBodies.incrementAndGet();
        problem(exchange, 400, "Bad Request");
        return;
      }
      decisions.incrementAndGet();
      PurposeDecider.Decision decision = decider.decide(request);
      boolean allow = decision.decision() == ConsentDecision.ALLOW;
      ObjectNode answer = ObjectMappers.standard().createObjectNode();
      answer.put("effect", allow ? "allow" : "deny");
      answer.put("ttl_ms", allow ? 60_000 : 0);
      answer.put("reason", decision.reason());
      answer.putNull("policy");
      answer.putNull("audit_seq");
      answer.putObject("receipt");
      send(exchange, 200, "application/json", ObjectMappers.standard().writeValueAsBytes(answer));
    }
  }

  private static void problem(HttpExchange exchange, int status, String title) throws IOException {
    String body =
        "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + "}";
    send(exchange, status, "application/problem+json", body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private int load(String token, List<String> extra, StringWriter out) throws IOException {
    Path tokenFile = Files.writeString(dir.resolve("token"), token + "\n");
    List<String> args =
        new ArrayList<>(
            List.of(
                "load", "rest",
                "--url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "--token-file", tokenFile.toString(),
                "--allow-purpose", "work.allow",
                "--deny-purpose", "work.deny"));
    args.addAll(extra);
    err = new StringWriter();
    return HsipCli.run(
        CLOCK, new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
  }

  @Test
  void everyKind_getsTheContractsAnswer() throws Exception {
    StringWriter out = new StringWriter();

    int exit =
        load(
            TOKEN,
            List.of("--peers", "4", "--count", "200", "--json", "--target-peer-id", TARGET),
            out);

    JsonNode report = ObjectMappers.standard().readTree(out.toString());
    assertThat(exit).as(out + "\n" + err).isZero();
    assertThat(report.path("mode").asText()).isEqualTo("rest");
    assertThat(report.path("unexpected").asLong()).isZero();
    assertThat(kind(report, "malformed").path("expected").asText()).isEqualTo("http 400");
    assertThat(kind(report, "malformed").path("as_expected").asLong()).isEqualTo(10);
    assertThat(kind(report, "replayed").path("as_expected").asLong()).isEqualTo(10);
    assertThat(kind(report, "bad-signature").path("as_expected").asLong()).isEqualTo(10);
    assertThat(kind(report, "stale").path("as_expected").asLong()).isEqualTo(10);
    assertThat(kind(report, "deny").path("as_expected").asLong()).isEqualTo(20);
    long allows = kind(report, "allow").path("as_expected").asLong();
    assertThat(allows).isBetween(140L, 150L);
    // Everything is answered over HTTP, malformed bodies with a 400.
    assertThat(report.path("answered").asLong()).isEqualTo(allows + 60);
    assertThat(report.path("answers").path("http 400").asLong()).isEqualTo(10);
    assertThat(badBodies.get()).isEqualTo(10);
    assertThat(decisions.get()).isEqualTo(allows + 50);
    assertThat(targets).containsExactly(TARGET);
  }

  @Test
  void aWrongToken_isAnsweredButUnexpected() throws Exception {
    StringWriter out = new StringWriter();

    int exit = load("wrong", List.of("--peers", "2", "--count", "10", "--mix", "allow=1"), out);

    assertThat(exit).isEqualTo(LoadReport.UNEXPECTED);
    assertThat(out.toString()).containsPattern("http 401 +10").contains("answered    10");
    assertThat(decisions.get()).isZero();
  }

  @Test
  void aClosedPort_isUnreachable() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
    StringWriter out = new StringWriter();

    long started = System.nanoTime();
    int exit =
        HsipCli.run(
            CLOCK,
            new PrintWriter(out, true),
            new PrintWriter(new StringWriter(), true),
            "load",
            "rest",
            "--url",
            "http://127.0.0.1:" + port,
            "--token-file",
            tokenFile.toString(),
            "--duration",
            "30s");

    assertThat(exit).isEqualTo(LoadReport.UNREACHABLE);
    assertThat(out.toString()).contains("target unreachable");
    assertThat(System.nanoTime() - started).isLessThan(5_000_000_000L);
  }
}
