package io.hsip.policygateway.gateway;

import static io.hsip.policygateway.gateway.DecisionFixture.ALICE;
import static io.hsip.policygateway.gateway.DecisionFixture.request;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.TestDatabase;
import io.hsip.policygateway.directory.DirectoryAdmin;
import io.hsip.policygateway.gateway.udp.UdpListeners;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.hsip.policygateway.policy.live.LivePolicy;
import io.hsip.policygateway.telemetry.DecisionSpans;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The span tree of a decision at both front doors, collected in memory: one {@code hsip.decision}
 * span with a child per stage, attributes without a PeerID in the clear, the same trace id in the
 * decision's audit entry, and a REST call that continues the trace its {@code traceparent} names.
 */
@QuarkusTest
@TestProfile(DecisionTracingTest.Tracing.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DecisionTracingTest {

  /** Samples every span and collects them in memory (nothing leaves the JVM). */
  public static final class Tracing implements QuarkusTestProfile {
    @Override
    public Set<Class<?>> getEnabledAlternatives() {
      return Set.of(Capture.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.otel.bsp.schedule.delay", "50ms");
    }
  }

  /**
   * The exporter and sampler of this profile, in place of "no collector, sample nothing". An
   * alternative without a priority: only this profile enables it, so no other test collects spans.
   */
  @Alternative
  @ApplicationScoped
  public static class Capture {
    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
      return InMemorySpanExporter.create();
    }

    @Produces
    @Singleton
    Sampler sampler() {
      return Sampler.alwaysOn();
    }
  }

  private static final String DAEMON_SUBJECT = "daemon-trace-" + System.nanoTime();

  @Inject InMemorySpanExporter spans;
  @Inject UdpListeners listeners;
  @Inject PolicyLifecycle lifecycle;
  @Inject LivePolicy live;
  @Inject DirectoryAdmin admin;

  @BeforeEach
  void setUp() {
    DecisionFixture.aliceAndMainDesk(admin, listeners, DAEMON_SUBJECT);
    DecisionFixture.publishPolicy(lifecycle, live);
    spans.reset();
  }

  /**
   * The exported spans, once {@code done} holds for them (spans reach the exporter in batches, in
   * the order they end); fails with {@code what} after 10 s.
   */
  private List<SpanData> awaitSpans(String what, Predicate<List<SpanData>> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      List<SpanData> exported = spans.getFinishedSpanItems();
      if (done.test(exported)) {
        return exported;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not exported within 10 s: " + what);
  }

  private static boolean has(List<SpanData> exported, String name) {
    return exported.stream().anyMatch(s -> s.getName().equals(name));
  }

  private static SpanData named(List<SpanData> exported, String name) {
    return exported.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  private static List<SpanData> ofTrace(List<SpanData> exported, String traceId) {
    return exported.stream().filter(s -> s.getTraceId().equals(traceId)).toList();
  }

  private static String traceIdOfEntry(ConsentRequest request) throws SQLException {
    long seq = DecisionFixture.onlyEntry(request).seq();
    try (Connection c = TestDatabase.owner();
        PreparedStatement s =
            c.prepareStatement("SELECT trace_id FROM audit_entry WHERE seq = ?")) {
      s.setLong(1, seq);
      try (ResultSet row = s.executeQuery()) {
        row.next();
        return row.getString(1);
      }
    }
  }

  private static void assertTree(List<SpanData> trace, SpanData decision, List<String> stages) {
    Map<String, SpanData> byName =
        trace.stream().collect(Collectors.toMap(SpanData::getName, s -> s, (a, b) -> a));
    for (String stage : stages) {
      assertThat(byName).as("stage span " + stage).containsKey(stage);
      assertThat(byName.get(stage).getParentSpanId())
          .as(stage + " is a child of the decision span")
          .isEqualTo(decision.getSpanId());
    }
  }

  /** No attribute of any span of the trace names a PeerID in the clear. */
  private void assertNoPeerIds(List<SpanData> trace, String... peerIds) {
    for (SpanData span : trace) {
      String attributes = span.getAttributes().asMap().values().toString();
      for (String peerId : peerIds) {
        assertThat(attributes).as(span.getName() + " attributes").doesNotContain(peerId);
      }
    }
  }

  @Test
  void aUdpDecisionIsOneSpanWithAChildPerStageAndItsEntryCarriesTheTraceId() throws Exception {
    ConsentRequest request = request(ALICE, "chat", 600_000);
    DecisionFixture.exchange(listeners, "main", request);

    // Sending ends after the decision span: once it is exported, the whole tree is.
    List<SpanData> exported = awaitSpans("the send span", e -> has(e, DecisionSpans.SEND));
    SpanData decision = named(exported, DecisionSpans.DECISION);
    List<SpanData> trace = ofTrace(exported, decision.getTraceId());
    assertThat(decision.getAttributes().asMap().toString())
        .contains("hsip.decision.front_door=udp")
        .contains("hsip.decision.effect=allow")
        .contains("hsip.decision.reason=allowed");
    assertTree(
        trace,
        decision,
        List.of(
            DecisionSpans.VERIFY,
            DecisionSpans.FRESHNESS,
            DecisionSpans.FACTS,
            DecisionSpans.POLICY,
            DecisionSpans.AUDIT_APPEND,
            DecisionSpans.SIGN,
            DecisionSpans.SEND));
    assertNoPeerIds(
        trace, ALICE.peerId().value(), listeners.publicKey("main").orElseThrow().peerId().value());
    assertThat(traceIdOfEntry(request)).isEqualTo(decision.getTraceId());
  }

  @Test
  void aRestDecisionContinuesTheTraceItsTraceparentNames() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String parent = "00f067aa0ba902b7";
    ConsentRequest request = request(ALICE, "chat", 600_000);
    given()
        .auth()
        .oauth2(TestTokens.bearer(DAEMON_SUBJECT, Roles.DAEMON))
        .header("traceparent", "00-" + traceId + "-" + parent + "-01")
        .contentType("application/json")
        .body("{\"request\": " + request.toJson() + "}")
        .when()
        .post("/api/v1/decisions")
        .then()
        .statusCode(200);

    // The HTTP server span ends after the response is written, so after the decision span: wait
    // for both.
    List<SpanData> trace =
        ofTrace(
            awaitSpans(
                "the decision and server spans of trace " + traceId,
                e ->
                    ofTrace(e, traceId).stream().anyMatch(s -> s.getParentSpanId().equals(parent))
                        && has(ofTrace(e, traceId), DecisionSpans.DECISION)),
            traceId);
    SpanData decision = named(trace, DecisionSpans.DECISION);
    assertThat(decision.getAttributes().asMap().toString())
        .contains("hsip.decision.front_door=api");
    assertTree(
        trace,
        decision,
        List.of(
            DecisionSpans.VERIFY,
            DecisionSpans.FRESHNESS,
            DecisionSpans.FACTS,
            DecisionSpans.POLICY,
            DecisionSpans.AUDIT_APPEND));
    // The HTTP server span is the caller's child, and the decision span lives under it.
    SpanData server =
        trace.stream().filter(s -> s.getParentSpanId().equals(parent)).findFirst().orElseThrow();
    assertThat(decision.getParentSpanId()).isEqualTo(server.getSpanId());
    assertNoPeerIds(trace, ALICE.peerId().value());
    assertThat(traceIdOfEntry(request)).isEqualTo(traceId);
  }

  @Inject io.hsip.policygateway.audit.AuditExports exports;
  @Inject io.hsip.policygateway.audit.AuditIntegration integration;

  @Test
  void adminOperationsExportsAndIntegrationAreTracedToo() throws Exception {
    String set = io.hsip.policygateway.policy.PolicyDocs.uniqueSet();
    var actor = io.hsip.policygateway.policy.lifecycle.Actor.person("tracer", "tracer");
    var draft =
        lifecycle.createDraft(
            actor,
            io.hsip.policygateway.policy.PolicyDocs.example(set)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    lifecycle.publishDraft(actor, draft.draft().id, null);
    admin.createGroup(
        "tracer",
        new io.hsip.policygateway.directory.Group(
            "traced-" + java.util.UUID.randomUUID().toString().substring(0, 8), null));
    java.time.Instant now =
        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    try (var csv = exports.csv(now.minusSeconds(60), now)) {
      csv.writeTo(java.io.OutputStream.nullOutputStream());
    }

    // Tests integrate on demand (the background loop is off in the test profile); same span.
    integration.integrateNow();

    for (String name :
        List.of(
            io.hsip.policygateway.telemetry.PolicySpans.CREATE_DRAFT,
            io.hsip.policygateway.telemetry.PolicySpans.PUBLISH,
            io.hsip.policygateway.telemetry.DirectorySpans.CHANGE,
            io.hsip.policygateway.telemetry.AuditSpans.EXPORT,
            io.hsip.policygateway.telemetry.AuditSpans.INTEGRATE)) {
      awaitSpans("a " + name + " span", e -> has(e, name));
    }
  }
}
