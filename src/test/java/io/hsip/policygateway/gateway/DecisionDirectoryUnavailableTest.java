package io.hsip.policygateway.gateway;

import static io.hsip.policygateway.gateway.DecisionFixture.ALICE;
import static io.hsip.policygateway.gateway.DecisionFixture.onlyEntry;
import static io.hsip.policygateway.gateway.DecisionFixture.request;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.directory.DirectoryIdentity;
import io.hsip.policygateway.directory.DirectoryUnavailableException;
import io.hsip.policygateway.directory.PeerDirectory;
import io.hsip.policygateway.directory.RequesterFacts;
import io.hsip.policygateway.gateway.udp.UdpListeners;
import io.hsip.policygateway.hsip.consent.ConsentDecision;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import io.hsip.policygateway.hsip.net.UdpConsentInitiator;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A replica whose member directory cannot answer (never loaded, or stale with the database
 * unreachable: {@code MemberDirectoryTest} proves when the real one says so) denies every request
 * as {@code directory_unavailable}, signed and audited once, and the decision API answers 503.
 */
@QuarkusTest
@TestProfile(DecisionDirectoryUnavailableTest.DirectoryDown.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DecisionDirectoryUnavailableTest {

  /** The directory the pipeline asks is one that always fails closed. */
  public static final class DirectoryDown implements QuarkusTestProfile {
    @Override
    public Set<Class<?>> getEnabledAlternatives() {
      return Set.of(UnavailableDirectory.class);
    }
  }

  /** Answers every lookup as the real directory does while it has no usable snapshot. */
  @Alternative
  @ApplicationScoped
  public static class UnavailableDirectory implements PeerDirectory {
    private static DirectoryUnavailableException down() {
      return new DirectoryUnavailableException("the member directory has no usable snapshot");
    }

    @Override
    public RequesterFacts requester(String peerId) {
      throw down();
    }

    @Override
    public Optional<DirectoryIdentity> identity(String peerId) {
      throw down();
    }

    @Override
    public Optional<DirectoryIdentity> boundTo(String ssoSubject) {
      throw down();
    }
  }

  @Inject UdpListeners listeners;

  @Test
  void aUdpRequestIsDeniedSignedAndAuditedOnce() throws Exception {
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
    assertThat(entry.reason()).isEqualTo("directory_unavailable");
  }

  @Test
  void theDecisionApiAnswers503Problem() {
    given()
        .auth()
        .oauth2(TestTokens.serviceAccount("any-daemon", Roles.DAEMON))
        .contentType(ContentType.JSON)
        .body("{\"request\":" + request(ALICE, "chat", 600_000).toJson() + "}")
        .when()
        .post("/api/v1/decisions")
        .then()
        .statusCode(503)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("type", equalTo("https://hsip.io/problems/directory-unavailable"));
  }
}
