package io.hsip.policygateway.gateway;

import static io.hsip.policygateway.gateway.DecisionFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.directory.DirectoryAdmin;
import io.hsip.policygateway.gateway.udp.UdpListeners;
import io.hsip.policygateway.hsip.consent.ConsentDecision;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.net.UdpConsentInitiator;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.hsip.policygateway.policy.live.LivePolicy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load-measurement switch {@code gateway.benchmark.skip-audit}: decisions are made and signed
 * as usual, but nothing is appended (so nothing is recorded, not even the nonce).
 */
@QuarkusTest
@TestProfile(DecisionSkipAuditTest.SkipAudit.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DecisionSkipAuditTest {

  /** The test profile with the durable append skipped. */
  public static final class SkipAudit implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("gateway.benchmark.skip-audit", "true");
    }
  }

  @Inject UdpListeners listeners;
  @Inject PolicyLifecycle lifecycle;
  @Inject LivePolicy live;
  @Inject DirectoryAdmin admin;

  @Test
  void decisionsAreAnsweredButNotRecorded() throws Exception {
    SigningKey member = SigningKey.generate(DecisionFixture.RANDOM);
    new DecisionDirectory(admin)
        .groups("engineering", "contractors")
        .member(member.peerId().value(), "Bench", Set.of("engineering"), null);
    DecisionFixture.publishPolicy(lifecycle, live);
    UdpConsentInitiator initiator =
        new UdpConsentInitiator(
            listeners.boundAddress("main").orElseThrow(),
            Duration.ofSeconds(5),
            3,
            DecisionFixture.RANDOM);
    ConsentRequest request = request(member, "chat", 600_000);
    for (int i = 0; i < 2; i++) {
      ConsentResponse response = initiator.exchange(request);
      ConsentValidator.validateResponse(
          response, request, listeners.publicKey("main").orElseThrow(), null);
      // Without the append there is no replay record either: the same request is allowed again.
      assertThat(response.decision()).isEqualTo(ConsentDecision.ALLOW);
    }
    assertThat(DecisionFixture.entries(request)).isEmpty();
  }
}
