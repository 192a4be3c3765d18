package io.hsip.policygateway.gateway;

import static io.hsip.policygateway.gateway.DecisionFixture.ALICE;
import static io.hsip.policygateway.gateway.DecisionFixture.onlyEntry;
import static io.hsip.policygateway.gateway.DecisionFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.directory.DirectoryAdmin;
import io.hsip.policygateway.gateway.udp.UdpListeners;
import io.hsip.policygateway.hsip.consent.ConsentDecision;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import io.hsip.policygateway.hsip.net.UdpConsentInitiator;
import io.hsip.policygateway.policy.live.LivePolicy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A replica that enforces a set nobody published denies everything as {@code no_policy}, audited.
 */
@QuarkusTest
@TestProfile(DecisionNoPolicyTest.UnpublishedSet.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DecisionNoPolicyTest {

  /** The live set is one that has no published version. */
  public static final class UnpublishedSet implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "policy.live-set", "unpublished-" + UUID.randomUUID().toString().substring(0, 8));
    }
  }

  @Inject UdpListeners listeners;
  @Inject LivePolicy live;
  @Inject DirectoryAdmin admin;

  @Test
  void withoutAPolicyEveryRequestIsDenied() throws Exception {
    new DecisionDirectory(admin)
        .groups("engineering", "contractors")
        .member(ALICE.peerId().value(), "Alice", Set.of("engineering"), null);
    assertThat(live.current()).isEmpty();
    ConsentRequest request = request(ALICE, "chat", 600_000);
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
    assertThat(entry.reason()).isEqualTo("no_policy");
    assertThat(entry.policyVersion()).isNull();
  }
}
