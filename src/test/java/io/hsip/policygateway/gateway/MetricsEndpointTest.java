package io.hsip.policygateway.gateway;

import static io.hsip.policygateway.gateway.DecisionFixture.ALICE;
import static io.hsip.policygateway.gateway.DecisionFixture.OUTSIDER;
import static io.hsip.policygateway.gateway.DecisionFixture.badSignature;
import static io.hsip.policygateway.gateway.DecisionFixture.request;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.directory.DirectoryAdmin;
import io.hsip.policygateway.gateway.replay.NonceLedger;
import io.hsip.policygateway.gateway.udp.UdpListeners;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.hsip.policygateway.policy.live.LivePolicy;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /q/metrics} after a few allowed, denied and malformed requests at both front doors: each
 * metric the README lists for decisions, the audit log, the replay ledger, policies and the UDP
 * listeners is there, with the labels it is documented with, and counts what was sent.
 */
@QuarkusTest
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsEndpointTest {

  private static final String DAEMON_SUBJECT = "daemon-metrics-" + System.nanoTime();

  @Inject UdpListeners listeners;
  @Inject PolicyLifecycle lifecycle;
  @Inject LivePolicy live;
  @Inject DirectoryAdmin admin;
  @Inject NonceLedger ledger;

  @BeforeEach
  void setUp() {
    DecisionFixture.aliceAndMainDesk(admin, listeners, DAEMON_SUBJECT);
    DecisionFixture.publishPolicy(lifecycle, live);
  }

  private static String metrics() {
    return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
  }

  /** The value of the sample whose name and labels match; fails if there is none. */
  private static double sample(String metrics, String name, String... labels) {
    StringBuilder pattern = new StringBuilder("(?m)^").append(Pattern.quote(name));
    if (labels.length == 0) {
      pattern.append("(?:\\{[^}]*\\})?");
    } else {
      pattern.append("\\{");
      for (String label : labels) {
        pattern.append("(?=[^}]*").append(Pattern.quote(label)).append(")");
      }
      pattern.append("[^}]*\\}");
    }
    pattern.append(" ([0-9.eE+-]+|NaN)$");
    Matcher m = Pattern.compile(pattern.toString()).matcher(metrics);
    assertThat(m.find()).as(name + " " + String.join(",", labels)).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static double sampleOrZero(String metrics, String name, String... labels) {
    try {
      return sample(metrics, name, labels);
    } catch (AssertionError none) {
      return 0;
    }
  }

  private void udp(ConsentRequest request) throws Exception {
    DecisionFixture.exchange(listeners, "main", request);
  }

  private static void rest(String body, int status) {
    given()
        .auth()
        .oauth2(TestTokens.bearer(DAEMON_SUBJECT, Roles.DAEMON))
        .contentType("application/json")
        .body(body)
        .when()
        .post("/api/v1/decisions")
        .then()
        .statusCode(status);
  }

  @Test
  void decisionsAuditReplayPolicyAndUdpMetricsAreExposedWithTheirLabels() throws Exception {
    String before = metrics();
    String udpAllowed = "front_door=\"udp\"";

    // UDP: one allow, one policy deny (an outsider), one bad signature, one datagram of garbage.
    udp(request(ALICE, "chat", 600_000));
    udp(request(OUTSIDER, "chat", 600_000));
    udp(badSignature(request(ALICE, "chat", 600_000)));
    InetSocketAddress main = listeners.boundAddress("main").orElseThrow();
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      byte[] junk = "not an hsip frame".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      socket.send(new DatagramPacket(junk, junk.length, main));
    }
    // REST: one allow, one malformed body (a 400 problem, never decided).
    rest("{\"request\": " + request(ALICE, "chat", 600_000).toJson() + "}", 200);
    rest("{\"request\": 42}", 400);
    ledger.countEntries();

    // Dropped datagrams are counted on the receive loop: give it a moment.
    String after = metrics();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (sampleOrZero(after, "hsip_udp_datagrams_dropped_total", "reason=\"malformed\"")
            <= sampleOrZero(before, "hsip_udp_datagrams_dropped_total", "reason=\"malformed\"")
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
      after = metrics();
    }

    String[][] decisions = {
      {udpAllowed, "effect=\"allow\"", "reason=\"allowed\""},
      {udpAllowed, "effect=\"deny\"", "reason=\"policy_deny\""},
      {udpAllowed, "effect=\"deny\"", "reason=\"bad_signature\""},
      {"front_door=\"api\"", "effect=\"allow\"", "reason=\"allowed\""},
    };
    for (String[] labels : decisions) {
      assertThat(sample(after, "hsip_decisions_total", labels))
          .as(String.join(",", labels))
          .isEqualTo(sampleOrZero(before, "hsip_decisions_total", labels) + 1);
    }
    // Latency histograms per front door.
    for (String door : new String[] {"udp", "api"}) {
      assertThat(
              sample(after, "hsip_decision_duration_seconds_count", "front_door=\"" + door + "\""))
          .isGreaterThan(
              sampleOrZero(
                  before, "hsip_decision_duration_seconds_count", "front_door=\"" + door + "\""));
      sample(after, "hsip_decision_duration_seconds_bucket", "front_door=\"" + door + "\"", "le=");
    }
    // The audit log: append latency and batch sizes grew, no append failed.
    assertThat(sample(after, "hsip_audit_append_duration_seconds_count"))
        .isGreaterThanOrEqualTo(
            sampleOrZero(before, "hsip_audit_append_duration_seconds_count") + 4);
    sample(after, "hsip_audit_append_duration_seconds_bucket", "le=");
    assertThat(sample(after, "hsip_audit_append_batch_size_count"))
        .isGreaterThan(sampleOrZero(before, "hsip_audit_append_batch_size_count"));
    // Other tests in this JVM make appends fail on purpose: none of these requests added one.
    assertThat(sample(after, "hsip_audit_append_failures_total"))
        .isEqualTo(sampleOrZero(before, "hsip_audit_append_failures_total"));
    assertThat(sample(after, "hsip_audit_integration_lag")).isGreaterThanOrEqualTo(0);
    assertThat(sample(after, "hsip_audit_integration_lag_seconds")).isGreaterThanOrEqualTo(0);
    // The replay ledger holds at least the nonces the authentic requests spent: the two UDP
    // decisions and the REST one (a bad signature never reaches the ledger).
    assertThat(sample(after, "hsip_replay_ledger_entries")).isGreaterThanOrEqualTo(3);
    // The live policy, by set.
    assertThat(sample(after, "hsip_policy_live_version", "set=\"acme\""))
        .isEqualTo(live.current().orElseThrow().version());
    // The garbage datagram, dropped unanswered by the main listener.
    assertThat(
            sample(
                after,
                "hsip_udp_datagrams_dropped_total",
                "listener=\"main\"",
                "reason=\"malformed\""))
        .isGreaterThan(
            sampleOrZero(
                before,
                "hsip_udp_datagrams_dropped_total",
                "listener=\"main\"",
                "reason=\"malformed\""));
  }
}
