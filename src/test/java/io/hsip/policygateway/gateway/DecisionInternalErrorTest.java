package io.hsip.policygateway.gateway;

import static io.hsip.policygateway.gateway.DecisionFixture.OUTSIDER;
import static io.hsip.policygateway.gateway.DecisionFixture.onlyEntry;
import static io.hsip.policygateway.gateway.DecisionFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.gateway.udp.UdpListeners;
import io.hsip.policygateway.hsip.consent.ConsentDecision;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import io.hsip.policygateway.hsip.net.UdpConsentInitiator;
import io.hsip.policygateway.policy.lifecycle.Actor;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.hsip.policygateway.policy.live.LivePolicy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A failure the pipeline does not expect (here: a rate limit with a window of zero, which the
 * policy compiler still accepts and the limit cannot count) is a deny with reason {@code
 * internal_error}, signed, counted and audited once: never a lost request or an allow.
 */
@QuarkusTest
@TestProfile(DecisionInternalErrorTest.OwnSet.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DecisionInternalErrorTest {

  private static final String SET = "broken-" + UUID.randomUUID().toString().substring(0, 8);

  /** A live set of its own. */
  public static final class OwnSet implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("policy.live-set", SET);
    }
  }

  @Inject UdpListeners listeners;
  @Inject PolicyLifecycle lifecycle;
  @Inject LivePolicy live;

  @Test
  void anUnexpectedFailureIsASignedAuditedDeny() throws Exception {
    byte[] policy =
        """
        schema: hsip.io/policy/v1
        policy_set: %s
        timezone: UTC
        max_ttl: 1h
        groups: []
        rules:
          - id: allow-chat-zero-window
            effect: allow
            requester: {kind: external}
            purpose: {exact: [chat]}
            rate_limit: {requests: 5, per: 0s}
        """
            .formatted(SET)
            .getBytes(StandardCharsets.UTF_8);
    lifecycle.importDocument(Actor.person("alice.admin", "alice.admin"), policy, true);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (live.current().isEmpty()) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(10);
    }

    ConsentRequest request = request(OUTSIDER, "chat", 600_000);
    ConsentResponse response =
        new UdpConsentInitiator(
                listeners.boundAddress("main").orElseThrow(),
                Duration.ofSeconds(5),
                3,
                DecisionFixture.RANDOM)
            .exchange(request);
    ConsentValidator.validateResponse(
        response, request, listeners.publicKey("main").orElseThrow(), null);
    assertThat(response.decision()).isEqualTo(ConsentDecision.DENY);
    assertThat(response.ttlMs()).isZero();
    DecisionFixture.Entry entry = onlyEntry(request);
    assertThat(entry.outcome()).isEqualTo("deny");
    assertThat(entry.reason()).isEqualTo("internal_error");
  }
}
