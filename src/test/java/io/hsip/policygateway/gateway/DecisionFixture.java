package io.hsip.policygateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.TestDatabase;
import io.hsip.policygateway.directory.DirectoryAdmin;
import io.hsip.policygateway.gateway.udp.UdpListeners;
import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.net.UdpConsentInitiator;
import io.hsip.policygateway.policy.lifecycle.Actor;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.hsip.policygateway.policy.live.LivePolicy;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Peers, requests, the test policy and audit queries for the decision pipeline's tests, on the real
 * database.
 */
public final class DecisionFixture {

  /** Random source of keys and nonces. */
  public static final SecureRandom RANDOM = new SecureRandom();

  /** A member in engineering (allowed to chat). */
  public static final SigningKey ALICE = SigningKey.generate(RANDOM);

  /** A member in the contractors group, denied towards engineering. */
  public static final SigningKey CONTRACTOR = SigningKey.generate(RANDOM);

  /** A member whose PeerID a policy rule blocks. */
  public static final SigningKey BLOCKED = SigningKey.generate(RANDOM);

  /** A peer that is not in the directory. */
  public static final SigningKey OUTSIDER = SigningKey.generate(RANDOM);

  /** The content id requests are about. */
  public static final String CID = ConsentRequest.contentId("e2e".getBytes(StandardCharsets.UTF_8));

  private DecisionFixture() {}

  /**
   * The test policy (the live set {@code acme} of the test profile): members chat (TTL cap 1h),
   * contractors never reach engineering, {@link #BLOCKED} is blocked, requesters below reputation
   * 60 get no {@code sensitive.} purpose, the {@code vault} service is protected from everyone, and
   * {@code limited} allows two per hour.
   */
  public static String policy() {
    return """
        schema: hsip.io/policy/v1
        policy_set: acme
        timezone: UTC
        max_ttl: 24h
        groups: [engineering, contractors]
        services: [vault]
        rules:
          - id: deny-blocked-peers
            effect: deny
            requester: {peer_ids: [%s]}
          - id: deny-contractors-to-engineering
            effect: deny
            requester: {groups_any: [contractors]}
            target: {groups_any: [engineering]}
          - id: deny-low-reputation-sensitive
            effect: deny
            requester: {max_reputation: 59}
            purpose: {prefixes: [sensitive.]}
          - id: deny-vault
            effect: deny
            target: {services: [vault]}
          - id: allow-members-chat
            effect: allow
            requester: {kind: member}
            purpose: {exact: [chat, sensitive.read]}
            ttl_cap: 1h
          - id: allow-members-limited
            effect: allow
            requester: {kind: member}
            purpose: {exact: [limited]}
            ttl_cap: 1h
            rate_limit: {requests: 2, per: 1h}
        """
        .formatted(BLOCKED.peerId().value());
  }

  /** Publishes {@link #policy()} and waits until this replica enforces it. */
  public static void publishPolicy(PolicyLifecycle lifecycle, LivePolicy live) {
    lifecycle.importDocument(
        Actor.person("alice.admin", "alice.admin"),
        policy().getBytes(StandardCharsets.UTF_8),
        true);
    String expected =
        lifecycle.validate(policy().getBytes(StandardCharsets.UTF_8)).orThrow().digest();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (live.current().map(p -> !p.digest().equals(expected)).orElse(true)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the test policy did not become live within 10 s");
      }
      Thread.onSpinWait();
    }
  }

  /**
   * The directory that the tests of the observable outputs (traces, metrics) decide against: Alice
   * an engineering member, and the main listener's identity a member whose daemon is {@code
   * daemonSubject}, so decision API calls by that daemon are addressed to it.
   */
  public static void aliceAndMainDesk(
      DirectoryAdmin admin, UdpListeners listeners, String daemonSubject) {
    DecisionDirectory directory = new DecisionDirectory(admin).groups("engineering", "contractors");
    directory.member(ALICE.peerId().value(), "Alice", java.util.Set.of("engineering"), null);
    directory.member(
        listeners.publicKey("main").orElseThrow().peerId().value(),
        "Main desk",
        java.util.Set.of("engineering"),
        daemonSubject);
  }

  /** Sends {@code request} to a listener over real UDP and returns its (unvalidated) answer. */
  public static ConsentResponse exchange(
      UdpListeners listeners, String listener, ConsentRequest request) throws Exception {
    return new UdpConsentInitiator(
            listeners.boundAddress(listener).orElseThrow(), Duration.ofSeconds(5), 3, RANDOM)
        .exchange(request);
  }

  /** A fresh request of {@code key}, valid from {@code tsMs} until {@code expiresMs}. */
  public static ConsentRequest request(SigningKey key, String purpose, long tsMs, long expiresMs) {
    return ConsentRequest.sign(key, CID, purpose, expiresMs, tsMs, nonce());
  }

  /** A fresh request made now, valid for {@code lifetimeMs}. */
  public static ConsentRequest request(SigningKey key, String purpose, long lifetimeMs) {
    long now = System.currentTimeMillis();
    return request(key, purpose, now, now + lifetimeMs);
  }

  /** {@code request} with one hex digit of its signature changed. */
  public static ConsentRequest badSignature(ConsentRequest r) {
    char first = r.sigHex().charAt(10);
    String sig =
        r.sigHex().substring(0, 10) + (first == '0' ? '1' : '0') + r.sigHex().substring(11);
    return new ConsentRequest(
        r.version(),
        r.requesterPeerId(),
        r.requesterPubKeyHex(),
        r.contentCidHex(),
        r.purpose(),
        r.expiresMs(),
        r.tsMs(),
        r.nonceHex(),
        sig);
  }

  /**
   * A request correctly signed by {@code signer} but claiming {@code claimedPeerId} as its PeerID.
   */
  public static ConsentRequest pidMismatch(SigningKey signer, String claimedPeerId) {
    long now = System.currentTimeMillis();
    ConsentRequest unsigned =
        new ConsentRequest(
            1,
            claimedPeerId,
            signer.publicKey().hex(),
            CID,
            "chat",
            now + 600_000,
            now,
            LowerHex.encode(nonce()),
            "");
    return new ConsentRequest(
        1,
        claimedPeerId,
        signer.publicKey().hex(),
        CID,
        "chat",
        unsigned.expiresMs(),
        unsigned.tsMs(),
        unsigned.nonceHex(),
        LowerHex.encode(signer.sign(unsigned.signedBytes())));
  }

  private static byte[] nonce() {
    byte[] nonce = new byte[ConsentRequest.NONCE_LENGTH];
    RANDOM.nextBytes(nonce);
    return nonce;
  }

  /** The request hash the pipeline audits: the protocol's (what a response binds to). */
  public static String auditHash(ConsentRequest request) {
    return request.hashHex();
  }

  /**
   * One decision entry of the audit log.
   *
   * @param seq its sequence number
   * @param outcome allow or deny
   * @param reason the reason code
   * @param hasSubject whether it names a (pseudonymised) subject
   * @param policyVersion the deciding policy's digest
   */
  public record Entry(
      long seq,
      String outcome,
      String reason,
      boolean hasSubject,
      @Nullable String policyVersion) {}

  /** The decision entries about {@code request}, oldest first. */
  public static List<Entry> entries(ConsentRequest request) {
    String sql =
        """
        SELECT seq, outcome, subject,
               convert_from(body, 'UTF8')::jsonb -> 'details' ->> 'reason',
               policy_version
        FROM audit_entry
        WHERE kind = 'decision'
          AND convert_from(body, 'UTF8')::jsonb ->> 'request_hash' = ?
        ORDER BY seq
        """;
    try (Connection c = TestDatabase.runtime();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, auditHash(request));
      List<Entry> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Entry(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(4),
                  rs.getString(3) != null,
                  rs.getString(5)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The one decision entry about {@code request}; fails unless there is exactly one. */
  public static Entry onlyEntry(ConsentRequest request) {
    List<Entry> entries = entries(request);
    assertThat(entries).as("audit entries of the request").hasSize(1);
    return entries.get(0);
  }
}
