package io.hsip.policygateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.TestDatabase;
import io.hsip.policygateway.hsip.consent.ConsentDecision;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.KeyFiles;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.net.ConsentExchangeException;
import io.hsip.policygateway.hsip.net.UdpConsentInitiator;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The database goes away under a running gateway (its connections are cut by a proxy, as a network
 * partition or a database restart would): the gateway keeps answering, only with denies, counts
 * them, and allows again once the database is back, without a restart. Every allow it answered is
 * in the audit log afterwards.
 */
class DatabaseOutageIT {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern FAIL_CLOSED =
      Pattern.compile(
          "hsip_decisions_total\\{[^}]*reason=\"(audit_unavailable|replay_unavailable)\"[^}]*\\}"
              + " ([0-9.E]+)");

  @Test
  void withoutItsDatabaseTheGatewayDeniesCountsAndRecovers() throws Exception {
    String set = "outage" + UUID.randomUUID().toString().substring(0, 8);
    int udp = GatewayProcess.freeUdpPort();
    try (CuttableProxy proxy = new CuttableProxy(5432);
        GatewayProcess gateway =
            GatewayProcess.start(
                "outage",
                Map.of(
                    "quarkus.datasource.jdbc.url",
                    "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + TestDatabase.name(),
                    "policy.live-set",
                    set,
                    "gateway.listeners.main.port",
                    Integer.toString(udp)))) {
      Ed25519PublicKey listener =
          KeyFiles.read(Path.of("target/test-listener-main.pem")).publicKey();
      gateway.publishPolicy(policy(set));
      gateway.awaitLiveVersion(1);
      SigningKey peer = SigningKey.generate(RANDOM);
      List<String> allowed = new ArrayList<>();

      awaitAllow(udp, listener, peer, allowed, Duration.ofSeconds(10));
      for (int i = 0; i < 20; i++) {
        ask(udp, listener, peer, allowed);
      }
      assertThat(allowed).hasSizeGreaterThanOrEqualTo(21);

      proxy.cut();
      int denied = 0;
      int unanswered = 0;
      long outageEnd = System.currentTimeMillis() + 5_000;
      while (System.currentTimeMillis() < outageEnd) {
        ConsentRequest request = request(peer);
        try {
          ConsentResponse response = exchange(udp, listener, request);
          // Never an allow while the log cannot record it.
          assertThat(response.decision()).isEqualTo(ConsentDecision.DENY);
          assertThat(response.ttlMs()).isZero();
          denied++;
        } catch (ConsentExchangeException e) {
          unanswered++;
        }
      }
      double failClosed = failClosedCount(gateway);
      System.out.printf(
          Locale.ROOT,
          "database cut for 5 s: %d requests answered deny, %d unanswered; fail-closed denies"
              + " counted: %.0f%n",
          denied,
          unanswered,
          failClosed);
      assertThat(denied).isPositive();
      assertThat(failClosed).isGreaterThanOrEqualTo(denied);

      proxy.restore();
      long restored = System.currentTimeMillis();
      awaitAllow(udp, listener, peer, allowed, Duration.ofSeconds(30));
      System.out.printf(
          Locale.ROOT,
          "allows resumed %d ms after the database came back (no restart)%n",
          System.currentTimeMillis() - restored);

      // Every answered allow is in the log, exactly once, as an allow.
      for (String hash : allowed) {
        assertThat(outcomes(hash)).as(hash).containsExactly("allow");
      }
    }
  }

  private static void awaitAllow(
      int udp, Ed25519PublicKey listener, SigningKey peer, List<String> allowed, Duration timeout)
      throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      try {
        if (ask(udp, listener, peer, allowed)) {
          return;
        }
      } catch (ConsentExchangeException e) {
        // Not answering yet.
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no allow within " + timeout);
  }

  private static boolean ask(
      int udp, Ed25519PublicKey listener, SigningKey peer, List<String> allowed) throws Exception {
    ConsentRequest request = request(peer);
    ConsentResponse response = exchange(udp, listener, request);
    if (response.decision() == ConsentDecision.ALLOW) {
      allowed.add(request.hashHex());
      return true;
    }
    return false;
  }

  private static ConsentResponse exchange(
      int udp, Ed25519PublicKey listener, ConsentRequest request) throws Exception {
    ConsentResponse response =
        new UdpConsentInitiator(
                new InetSocketAddress("127.0.0.1", udp), Duration.ofSeconds(3), 2, RANDOM)
            .exchange(request);
    ConsentValidator.validateResponse(response, request, listener, null);
    return response;
  }

  private static ConsentRequest request(SigningKey peer) {
    long now = System.currentTimeMillis();
    byte[] nonce = new byte[ConsentRequest.NONCE_LENGTH];
    RANDOM.nextBytes(nonce);
    return ConsentRequest.sign(
        peer, ConsentRequest.contentId(nonce), "outage.chat", now + 600_000, now, nonce);
  }

  private static double failClosedCount(GatewayProcess gateway) throws Exception {
    String metrics = gateway.get("/q/metrics").body();
    double sum = 0;
    Matcher m = FAIL_CLOSED.matcher(metrics);
    while (m.find()) {
      sum += Double.parseDouble(m.group(2));
    }
    return sum;
  }

  private static List<String> outcomes(String requestHash) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = TestDatabase.owner();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT convert_from(body, 'UTF8')::jsonb ->> 'outcome' FROM audit_entry"
                    + " WHERE convert_from(body, 'UTF8')::jsonb ->> 'request_hash' = ?"
                    + " ORDER BY seq")) {
      q.setString(1, requestHash);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static String policy(String set) {
    return """
        schema: hsip.io/policy/v1
        policy_set: %s
        max_ttl: 1h
        timezone: UTC
        groups: []
        rules:
          - id: allow-outage-chat
            effect: allow
            requester:
              kind: external
            purpose:
              exact: [outage.chat]
        """
        .formatted(set);
  }
}
