package io.hsip.policygateway.cli.load;

import static io.hsip.policygateway.cli.load.ReportJson.kind;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.cli.HsipCli;
import io.hsip.policygateway.hsip.consent.ConsentDecision;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.net.UdpConsentResponder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
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

/**
 * {@code hsip load udp} against a real {@link UdpConsentResponder} on 127.0.0.1 over real sockets,
 * answering with a stand-in for the pipeline: full validation, allow for one purpose, the
 * contract's reason codes.
 */
@Timeout(20)
class UdpLoadTest {

  private static final Clock CLOCK = Clock.systemUTC();
  private static final SigningKey LISTENER = SigningKey.generate(new SecureRandom());

  private final Set<InetAddress> sources = ConcurrentHashMap.newKeySet();
  private final AtomicLong malformed = new AtomicLong();
  private ExecutorService executor;
  private UdpConsentResponder responder;
  private StringWriter err;

  @BeforeEach
  void start() {
    executor = Executors.newFixedThreadPool(4);
  }

  @AfterEach
  void stop() {
    if (responder != null) {
      responder.close();
    }
    executor.shutdownNow();
  }

  private void listen(String allowedPurpose) throws Exception {
    PurposeDecider decider = new PurposeDecider(allowedPurpose, CLOCK);
    UdpConsentResponder.Handler handler =
        new UdpConsentResponder.Handler() {
          @Override
          public ConsentResponse onRequest(ConsentRequest request, InetSocketAddress from) {
            return answer(request, from).response();
          }

          @Override
          public UdpConsentResponder.Answer answer(ConsentRequest request, InetSocketAddress from) {
            sources.add(from.getAddress());
            PurposeDecider.Decision decision = decider.decide(request);
            long now = CLOCK.millis();
            ConsentResponse response =
                decision.decision() == ConsentDecision.ALLOW
                    ? ConsentResponse.allow(LISTENER, request, 60_000, now)
                    : ConsentResponse.deny(LISTENER, request, now);
            return new UdpConsentResponder.Answer(response, decision.reason());
          }

          @Override
          public void onMalformedRequest(InetSocketAddress from, String reason) {
            malformed.incrementAndGet();
          }
        };
    responder =
        UdpConsentResponder.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            handler,
            executor,
            UdpConsentResponder.Limits.DEFAULT,
            CLOCK);
  }

  private int load(List<String> extra, StringWriter out) {
    List<String> args = new ArrayList<>(List.of("load", "udp", "--to", to()));
    args.addAll(extra);
    err = new StringWriter();
    return HsipCli.run(
        CLOCK, new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
  }

  private String to() {
    return "127.0.0.1:" + responder.localAddress().getPort();
  }

  @Test
  void oneShotPeers_getTheExpectedAnswerForEveryKind() throws Exception {
    listen("load.allow");
    StringWriter out = new StringWriter();

    int exit =
        load(
            List.of(
                "--peers",
                "4",
                "--count",
                "200",
                "--json",
                "--malformed-wait-ms",
                "100",
                "--responder-pub",
                LISTENER.publicKey().hex()),
            out);

    JsonNode report = ObjectMappers.standard().readTree(out.toString());
    assertThat(exit).as(out + "\n" + err).isZero();
    assertThat(report.path("unexpected").asLong()).isZero();
    // 200 slots of the default mix: 2 whole cycles, so exactly twice each weight; replayed slots
    // may add a priming allow each.
    assertThat(kind(report, "deny").path("sent").asLong()).isEqualTo(20);
    for (String k : List.of("replayed", "stale", "bad-signature", "malformed")) {
      assertThat(kind(report, k).path("sent").asLong()).as(k).isEqualTo(10);
      assertThat(kind(report, k).path("as_expected").asLong()).as(k).isEqualTo(10);
    }
    long allows = kind(report, "allow").path("sent").asLong();
    assertThat(allows).isBetween(140L, 150L);
    assertThat(report.path("sent").asLong()).isEqualTo(allows + 60);
    assertThat(report.path("answered").asLong()).isEqualTo(allows + 50); // malformed: no answer
    assertThat(report.path("answers").path("deny replayed").asLong()).isEqualTo(10);
    assertThat(report.path("answers").path("deny stale").asLong()).isEqualTo(10);
    assertThat(report.path("answers").path("deny bad_signature").asLong()).isEqualTo(10);
    assertThat(report.path("answers").path("deny policy_deny").asLong()).isEqualTo(20);
    assertThat(report.path("latency").path("count").asLong()).isEqualTo(allows + 50);
    assertThat(report.path("latency").path("p50").asDouble()).isPositive();
    // What the listener saw: one handshake per request (one-shot), every malformed frame opened.
    assertThat(malformed.get()).isEqualTo(10);
    assertThat(responder.stats().requests()).isEqualTo(allows + 50);
    assertThat(responder.stats().handshakes()).isEqualTo(allows + 60);
  }

  @Test
  void reusedSessionsFromSeveralSourceAddresses_textReport() throws Exception {
    listen("load.allow");
    StringWriter out = new StringWriter();

    int exit =
        load(
            List.of(
                "--peers",
                "6",
                "--count",
                "120",
                "--requests-per-session",
                "10",
                "--source-ips",
                "3",
                "--mix",
                "allow=3,deny=1"),
            out);

    assertThat(exit).as(out + "\n" + err).isZero();
    assertThat(out.toString())
        .contains("sent        120")
        .contains("answered    120")
        .contains("deny policy_deny")
        .contains("unexpected  0 (tolerated 0)");
    assertThat(sources)
        .extracting(InetAddress::getHostAddress)
        .containsExactlyInAnyOrder("127.0.0.1", "127.0.0.2", "127.0.0.3");
    assertThat(responder.stats().handshakes()).isBetween(12L, 18L); // 120 / 10, per peer rounded up
  }

  @Test
  void presignedRequests_areFreshAndAnsweredAsExpected() throws Exception {
    listen("load.allow");
    StringWriter out = new StringWriter();

    int exit =
        load(
            List.of(
                "--peers",
                "3",
                "--count",
                "100",
                "--presign",
                "--malformed-wait-ms",
                "50",
                "--warmup",
                "300ms"),
            out);

    assertThat(exit).as(out + "\n" + err).isZero();
    assertThat(out.toString())
        .contains("3 peers, closed loop, presigned, after 0.3s warm-up")
        .containsPattern("sent +10[0-5]\\n")
        .containsPattern("stale +-> deny stale +5 of 5")
        .containsPattern("replayed +-> deny replayed +5 of 5")
        .contains("unexpected  0 (tolerated 0)");
    // The warm-up's requests reached the listener but are not in the report.
    assertThat(responder.stats().handshakes()).isGreaterThan(105);
  }

  @Test
  void openLoop_sendsAtTheRate() throws Exception {
    listen("load.allow");
    StringWriter out = new StringWriter();

    int exit =
        load(
            List.of(
                "--peers", "4", "--rate", "200", "--duration", "1s", "--mix", "allow=1", "--json"),
            out);

    JsonNode report = ObjectMappers.standard().readTree(out.toString());
    assertThat(exit).as(out + "\n" + err).isZero();
    assertThat(report.path("loop").asText()).isEqualTo("open loop at 200/s");
    assertThat(report.path("sent").asLong() + report.path("missed").asLong()).isEqualTo(200);
    assertThat(report.path("sent").asLong()).isGreaterThan(150);
  }

  @Test
  void aGatewayThatAllowsEverything_failsTheRun() throws Exception {
    listen("load.deny"); // the "deny" purpose is allowed: deny slots get allow
    StringWriter out = new StringWriter();

    int exit = load(List.of("--peers", "2", "--count", "40", "--mix", "allow=1,deny=1"), out);

    assertThat(exit).isEqualTo(LoadReport.UNEXPECTED);
    assertThat(out.toString())
        .containsPattern("deny +-> deny policy_deny\\|no_policy +0 of 20")
        .containsPattern("allow +-> allow +0 of 20")
        .containsPattern("but allow +20")
        .containsPattern("but deny policy_deny +20")
        .contains("unexpected  40 (tolerated 0): FAILED");
  }

  @Test
  void aClosedPort_isUnreachable() throws Exception {
    int port;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    StringWriter out = new StringWriter();
    err = new StringWriter();

    long started = System.nanoTime();
    int exit =
        HsipCli.run(
            CLOCK,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "load",
            "udp",
            "--to",
            "127.0.0.1:" + port,
            "--peers",
            "2",
            "--duration",
            "30s",
            "--timeout-ms",
            "500");

    assertThat(exit).isEqualTo(LoadReport.UNREACHABLE);
    assertThat(out.toString()).contains("target unreachable");
    assertThat(System.nanoTime() - started).isLessThan(5_000_000_000L);
  }
}
