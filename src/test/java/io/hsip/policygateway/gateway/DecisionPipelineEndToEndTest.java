package io.hsip.policygateway.gateway;

import static io.hsip.policygateway.gateway.DecisionFixture.ALICE;
import static io.hsip.policygateway.gateway.DecisionFixture.BLOCKED;
import static io.hsip.policygateway.gateway.DecisionFixture.CONTRACTOR;
import static io.hsip.policygateway.gateway.DecisionFixture.OUTSIDER;
import static io.hsip.policygateway.gateway.DecisionFixture.onlyEntry;
import static io.hsip.policygateway.gateway.DecisionFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.directory.DirectoryAdmin;
import io.hsip.policygateway.gateway.DecisionFixture.Entry;
import io.hsip.policygateway.gateway.udp.UdpListeners;
import io.hsip.policygateway.hsip.consent.ConsentDecision;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.hsip.policygateway.policy.live.LivePolicy;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Must-show 1: every kind of decision over real UDP sockets against the running service and the
 * real PostgreSQL. Each answer is verified with the answering listener's public key, and each
 * decision left exactly one audit entry with the right effect and reason.
 *
 * <p>The listener {@code main} answers as a member in engineering; {@code protected} as the
 * organisation service {@code vault}, which the policy protects from everyone.
 */
@QuarkusTest
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DecisionPipelineEndToEndTest {

  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;

  @Inject UdpListeners listeners;
  @Inject PolicyLifecycle lifecycle;
  @Inject LivePolicy live;
  @Inject DirectoryAdmin admin;

  @BeforeEach
  void setUp() {
    DecisionDirectory directory = new DecisionDirectory(admin).groups("engineering", "contractors");
    directory.member(ALICE.peerId().value(), "Alice", Set.of("engineering"), null);
    directory.member(CONTRACTOR.peerId().value(), "Carl", Set.of("contractors"), null);
    directory.member(BLOCKED.peerId().value(), "Mallory", Set.of("engineering"), null);
    directory.member(
        listeners.publicKey("main").orElseThrow().peerId().value(),
        "Main desk",
        Set.of("engineering"),
        null);
    directory.service("vault", listeners.publicKey("protected").orElseThrow().peerId().value());
    DecisionFixture.publishPolicy(lifecycle, live);
  }

  private ConsentResponse exchange(String listener, ConsentRequest request) throws Exception {
    ConsentResponse response = DecisionFixture.exchange(listeners, listener, request);
    // The answer is authentic: signed by the listener's identity and bound to this request.
    Ed25519PublicKey key = listeners.publicKey(listener).orElseThrow();
    ConsentValidator.validateResponse(response, request, key, null);
    return response;
  }

  private static void assertDeny(ConsentResponse response, ConsentRequest request, String reason) {
    assertThat(response.decision()).isEqualTo(ConsentDecision.DENY);
    assertThat(response.ttlMs()).isZero();
    Entry entry = onlyEntry(request);
    assertThat(entry.outcome()).isEqualTo("deny");
    assertThat(entry.reason()).isEqualTo(reason);
  }

  @Test
  void allow() throws Exception {
    ConsentRequest request = request(ALICE, "chat", 10 * MINUTE);
    ConsentResponse response = exchange("main", request);
    assertThat(response.decision()).isEqualTo(ConsentDecision.ALLOW);
    // The requested remaining lifetime, under the 1 h cap.
    assertThat(response.ttlMs()).isBetween(9 * MINUTE, 10 * MINUTE);
    assertThat(response.tsMs() + response.ttlMs()).isLessThanOrEqualTo(request.expiresMs());
    Entry entry = onlyEntry(request);
    assertThat(entry.outcome()).isEqualTo("allow");
    assertThat(entry.reason()).isEqualTo("allowed");
    assertThat(entry.hasSubject()).isTrue();
    assertThat(entry.policyVersion()).isEqualTo(live.current().orElseThrow().digest());
  }

  @Test
  void ttlCappedByPolicy() throws Exception {
    ConsentRequest request = request(ALICE, "chat", 5 * HOUR);
    ConsentResponse response = exchange("main", request);
    assertThat(response.decision()).isEqualTo(ConsentDecision.ALLOW);
    assertThat(response.ttlMs()).isEqualTo(HOUR);
    assertThat(onlyEntry(request).reason()).isEqualTo("allowed");
  }

  @Test
  void deny() throws Exception {
    // A deny rule matches: contractors never reach engineering.
    ConsentRequest request = request(CONTRACTOR, "chat", 10 * MINUTE);
    assertDeny(exchange("main", request), request, "policy_deny");
    assertThat(onlyEntry(request).hasSubject()).isTrue();
  }

  @Test
  void requesterInADeniedGroup() throws Exception {
    ConsentRequest request = request(CONTRACTOR, "chat", 10 * MINUTE);
    assertDeny(exchange("main", request), request, "policy_deny");
    // The same request by a member outside the group is allowed: the group decided.
    ConsentRequest colleague = request(ALICE, "chat", 10 * MINUTE);
    assertThat(exchange("main", colleague).decision()).isEqualTo(ConsentDecision.ALLOW);
  }

  @Test
  void expiredRequest() throws Exception {
    long now = System.currentTimeMillis();
    ConsentRequest request = request(ALICE, "chat", now - 30_000, now - 1_000);
    assertDeny(exchange("main", request), request, "expired");
  }

  @Test
  void clockSkewIntoThePast() throws Exception {
    long now = System.currentTimeMillis();
    ConsentRequest request = request(ALICE, "chat", now - 5 * MINUTE, now + HOUR);
    assertDeny(exchange("main", request), request, "stale");
  }

  @Test
  void clockSkewIntoTheFuture() throws Exception {
    long now = System.currentTimeMillis();
    ConsentRequest request = request(ALICE, "chat", now + 5 * MINUTE, now + HOUR);
    assertDeny(exchange("main", request), request, "stale");
  }

  @Test
  void lifetimeTooLong() throws Exception {
    long now = System.currentTimeMillis();
    ConsentRequest request = request(ALICE, "chat", now, now + 25 * HOUR);
    assertDeny(exchange("main", request), request, "lifetime_too_long");
  }

  @Test
  void expiresBeforeCreation() throws Exception {
    long now = System.currentTimeMillis();
    ConsentRequest request = request(ALICE, "chat", now, now - 1);
    assertDeny(exchange("main", request), request, "expires_before_creation");
  }

  @Test
  void withoutTheAuditLogAUdpRequestIsDeniedAndNothingRecorded() throws Exception {
    ConsentRequest request = request(ALICE, "chat", 10 * MINUTE);
    String role = io.hsip.policygateway.TestDatabase.runtimeRole();
    io.hsip.policygateway.TestDatabase.asOwner(
        "REVOKE INSERT ON audit_entry FROM \"" + role + "\"");
    ConsentResponse response;
    try {
      response = exchange("main", request);
    } finally {
      io.hsip.policygateway.TestDatabase.asOwner("GRANT INSERT ON audit_entry TO \"" + role + "\"");
    }
    assertThat(response.decision()).isEqualTo(ConsentDecision.DENY);
    assertThat(response.ttlMs()).isZero();
    assertThat(DecisionFixture.entries(request)).isEmpty();
  }

  @Test
  void replayedNonce() throws Exception {
    ConsentRequest request = request(ALICE, "chat", 10 * MINUTE);
    assertThat(exchange("main", request).decision()).isEqualTo(ConsentDecision.ALLOW);
    ConsentResponse replay = exchange("main", request);
    assertThat(replay.decision()).isEqualTo(ConsentDecision.DENY);
    assertThat(replay.ttlMs()).isZero();
    // One entry per decision: the allow, then the refused replay.
    List<Entry> entries = DecisionFixture.entries(request);
    assertThat(entries).extracting(Entry::outcome).containsExactly("allow", "deny");
    assertThat(entries).extracting(Entry::reason).containsExactly("allowed", "replayed");
  }

  @Test
  void badSignature() throws Exception {
    ConsentRequest request = DecisionFixture.badSignature(request(ALICE, "chat", 10 * MINUTE));
    assertDeny(exchange("main", request), request, "bad_signature");
    // Nothing authenticated the requester: no subject.
    assertThat(onlyEntry(request).hasSubject()).isFalse();
  }

  @Test
  void pidNotMatchingPub() throws Exception {
    ConsentRequest request = DecisionFixture.pidMismatch(OUTSIDER, ALICE.peerId().value());
    assertDeny(exchange("main", request), request, "pid_mismatch");
    assertThat(onlyEntry(request).hasSubject()).isFalse();
  }

  @Test
  void unknownPurpose() throws Exception {
    ConsentRequest request = request(ALICE, "no-such-purpose", 10 * MINUTE);
    assertDeny(exchange("main", request), request, "policy_deny");
  }

  @Test
  void externalRequester() throws Exception {
    // Not in the directory: external, and only members may chat.
    ConsentRequest request = request(OUTSIDER, "chat", 10 * MINUTE);
    assertDeny(exchange("main", request), request, "policy_deny");
    assertThat(onlyEntry(request).hasSubject()).isTrue();
  }

  @Test
  void blockedPeerId() throws Exception {
    ConsentRequest request = request(BLOCKED, "chat", 10 * MINUTE);
    assertDeny(exchange("main", request), request, "policy_deny");
  }

  @Test
  void lowReputation() throws Exception {
    // Every requester has the neutral reputation (50), below the rule's floor of 60.
    ConsentRequest request = request(ALICE, "sensitive.read", 10 * MINUTE);
    assertDeny(exchange("main", request), request, "policy_deny");
  }

  @Test
  void requestToAProtectedListenerIdentity() throws Exception {
    ConsentRequest request = request(ALICE, "chat", 10 * MINUTE);
    assertDeny(exchange("protected", request), request, "policy_deny");
  }

  @Test
  void rateLimitThroughThePipeline() throws Exception {
    // A fresh requester, so the window starts empty: two allows, then rate_limited.
    var member = io.hsip.policygateway.hsip.keys.SigningKey.generate(DecisionFixture.RANDOM);
    new DecisionDirectory(admin)
        .member(member.peerId().value(), "Rita", Set.of("engineering"), null);
    for (int i = 0; i < 2; i++) {
      ConsentRequest ok = request(member, "limited", 10 * MINUTE);
      assertThat(exchange("main", ok).decision()).isEqualTo(ConsentDecision.ALLOW);
      assertThat(onlyEntry(ok).reason()).isEqualTo("allowed");
    }
    ConsentRequest third = request(member, "limited", 10 * MINUTE);
    assertDeny(exchange("main", third), third, "rate_limited");
    // The refused request spent its nonce: replaying it is a replay, not a second chance.
    ConsentResponse again = exchange("main", third);
    assertThat(again.decision()).isEqualTo(ConsentDecision.DENY);
    assertThat(DecisionFixture.entries(third))
        .extracting(Entry::reason)
        .containsExactly("rate_limited", "replayed");
  }

  @Test
  void concurrentRequestsNeverExceedTheRateLimit() throws Exception {
    var member = io.hsip.policygateway.hsip.keys.SigningKey.generate(DecisionFixture.RANDOM);
    new DecisionDirectory(admin)
        .member(member.peerId().value(), "Rush", Set.of("engineering"), null);
    List<ConsentRequest> requests =
        java.util.stream.IntStream.range(0, 12)
            .mapToObj(i -> request(member, "limited", 10 * MINUTE))
            .toList();
    List<ConsentResponse> responses;
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<ConsentResponse>> futures = new java.util.ArrayList<>();
      for (ConsentRequest r : requests) {
        futures.add(pool.submit(() -> exchange("main", r)));
      }
      responses = new java.util.ArrayList<>();
      for (var f : futures) {
        responses.add(f.get(30, TimeUnit.SECONDS));
      }
    }
    assertThat(responses.stream().filter(r -> r.decision() == ConsentDecision.ALLOW)).hasSize(2);
    List<String> reasons = requests.stream().map(r -> onlyEntry(r).reason()).toList();
    assertThat(reasons.stream().filter("allowed"::equals)).hasSize(2);
    assertThat(reasons.stream().filter("rate_limited"::equals)).hasSize(10);
  }

  @Test
  void listenersAreReadyAndTheirMetricsPublished() throws Exception {
    // One exchange so that the duration histogram has a sample.
    exchange("main", request(ALICE, "chat", 10 * MINUTE));
    String health =
        io.restassured.RestAssured.given().get("/q/health/ready").then().extract().asString();
    assertThat(health).contains("listeners bound");
    String metrics =
        io.restassured.RestAssured.given()
            .get("/q/metrics")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(metrics)
        .contains("hsip_udp_datagrams_dropped_total{listener=\"main\"")
        .contains("hsip_udp_datagrams_dropped_total{listener=\"protected\"")
        .contains("hsip_decision_duration_seconds_bucket{front_door=\"udp\"")
        .contains("hsip_decisions_total{effect=\"allow\",front_door=\"udp\",reason=\"allowed\"");
  }
}
