package io.hsip.policygateway.hsip.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.hsip.consent.ConsentRejectedException.Reason;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The validator's rules beyond the reference (docs/protocol.md#freshness-expiry-and-replay): skew
 * window, absolute expiry, lifetime cap, replay guard consulted last and failing closed; and
 * response validation.
 */
class ConsentValidatorTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final SigningKey REQUESTER =
      SigningKey.fromSeed(
          HEX.parseHex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"));
  private static final SigningKey RESPONDER =
      SigningKey.fromSeed(
          HEX.parseHex("2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40"));
  private static final String CID =
      ConsentRequest.contentId("some test content".getBytes(StandardCharsets.UTF_8));

  /** The vectors' base time. */
  private static final long NOW = 1_731_880_000_000L;

  private static final long SKEW = 60_000;
  private static final long LIFETIME = 86_400_000;

  private RecordingGuard guard;
  private ConsentValidator validator;
  private int nonceCounter;

  @BeforeEach
  void setUp() {
    guard = new RecordingGuard();
    validator = new ConsentValidator(ConsentValidator.Rules.DEFAULT, guard);
  }

  // ---- time rules alone (the decision pipeline records nonces itself) ----

  @Test
  void checkTime_appliesTheTimeRulesAndRecordsNothing() throws ConsentRejectedException {
    validator.checkTime(request(NOW, NOW + 60_000), NOW);
    validator.checkTime(request(NOW, NOW + 60_000), NOW);
    assertThat(guard.calls).isEmpty();
    assertReason(
        () -> validator.checkTime(request(NOW - SKEW - 1, NOW + 60_000), NOW), Reason.STALE);
    assertReason(
        () -> validator.checkTime(request(NOW + SKEW + 1, NOW + SKEW + 60_000), NOW),
        Reason.FROM_FUTURE);
    assertReason(() -> validator.checkTime(request(NOW - 1_000, NOW - 1), NOW), Reason.EXPIRED);
    assertReason(
        () -> validator.checkTime(request(NOW, NOW + LIFETIME + 1), NOW), Reason.LIFETIME_TOO_LONG);
    assertThat(guard.calls).isEmpty();
  }

  @Test
  void nonceRetainUntil_coversTheRequestsAcceptanceWindowPlusOneSkew() {
    assertThat(validator.nonceRetainUntil(request(NOW, NOW + 10_000)))
        .isEqualTo(NOW + 10_000 + SKEW);
    assertThat(validator.nonceRetainUntil(request(NOW, NOW + LIFETIME))).isEqualTo(NOW + 2 * SKEW);
  }

  // ---- clock skew ----

  @Test
  void validate_acceptsTsExactlySkewAway() throws ConsentRejectedException {
    validator.validate(request(NOW - SKEW, NOW + 60_000), NOW);
    validator.validate(request(NOW + SKEW, NOW + SKEW + 60_000), NOW);
    validator.validate(request(NOW, NOW + 60_000), NOW);
    assertThat(guard.calls).hasSize(3);
  }

  @Test
  void validate_rejectsTsOneMillisecondBeyondSkew() {
    assertRejected(() -> validator.validate(request(NOW - SKEW - 1, NOW + 60_000), NOW))
        .hasMessage("ts_ms is more than 60000 ms in the past");
    assertReason(
        () -> validator.validate(request(NOW - SKEW - 1, NOW + 60_000), NOW), Reason.STALE);
    assertRejected(() -> validator.validate(request(NOW + SKEW + 1, NOW + SKEW + 60_000), NOW))
        .hasMessage("ts_ms is more than 60000 ms in the future");
    assertReason(
        () -> validator.validate(request(NOW + SKEW + 1, NOW + SKEW + 60_000), NOW),
        Reason.FROM_FUTURE);
    assertThat(guard.calls).isEmpty();
  }

  // ---- expiry ----

  @Test
  void validate_relativeLookingExpiryIsBeforeCreation() {
    // consent_roundtrip.rs passes expires_ms = 60000 as if it were a duration; it is an absolute
    // instant.
    ConsentRequest relative = request(NOW, 60_000);
    assertRejected(() -> validator.validate(relative, NOW))
        .hasMessage(
            "expires_ms is before ts_ms (expires_ms is an absolute Unix time in milliseconds)");
    assertReason(() -> validator.validate(relative, NOW), Reason.EXPIRES_BEFORE_CREATION);
  }

  @Test
  void validate_relativeLookingExpiryNearTheEpochIsExpired() {
    // With ts_ms small enough to be fresh, expires_ms = 60000 is after ts_ms but long past.
    long now = 100_000;
    ConsentRequest relative = request(50_000, 60_000);
    assertRejected(() -> validator.validate(relative, now))
        .hasMessage("request expired at expires_ms");
    assertReason(() -> validator.validate(relative, now), Reason.EXPIRED);
    assertThat(guard.calls).isEmpty();
  }

  @Test
  void validate_expiryBoundary() throws ConsentRejectedException {
    validator.validate(request(NOW - 10, NOW), NOW);
    assertReason(() -> validator.validate(request(NOW - 10, NOW - 1), NOW), Reason.EXPIRED);
    assertReason(
        () -> validator.validate(request(NOW, NOW - 1), NOW), Reason.EXPIRES_BEFORE_CREATION);
    // expires_ms == ts_ms is a request valid for one instant.
    validator.validate(request(NOW, NOW), NOW);
  }

  // ---- lifetime ----

  @Test
  void validate_lifetimeCap() throws ConsentRejectedException {
    validator.validate(request(NOW, NOW + LIFETIME), NOW);
    assertRejected(() -> validator.validate(request(NOW, NOW + LIFETIME + 1), NOW))
        .hasMessage("expires_ms is more than 86400000 ms after ts_ms");
    assertReason(
        () -> validator.validate(request(NOW, NOW + LIFETIME + 1), NOW), Reason.LIFETIME_TOO_LONG);
    assertReason(
        () -> validator.validate(request(NOW, Long.MAX_VALUE), NOW), Reason.LIFETIME_TOO_LONG);
  }

  // ---- replay ----

  @Test
  void validate_rejectsReplay() throws ConsentRejectedException {
    ConsentRequest request = request(NOW, NOW + 60_000);
    VerifiedConsentRequest verified = validator.validate(request, NOW);
    assertThat(verified.request()).isEqualTo(request);
    assertThat(verified.requesterKey()).isEqualTo(REQUESTER.publicKey());
    assertRejected(() -> validator.validate(request, NOW + 1))
        .hasMessage("nonce_hex was already used by this requester");
    assertReason(() -> validator.validate(request, NOW + 2), Reason.REPLAYED);
    // The pair is (PeerID, nonce): another requester may use the same nonce.
    ConsentRequest other =
        ConsentRequest.sign(
            RESPONDER, CID, "indexing", NOW + 60_000, NOW, HEX.parseHex(request.nonceHex()));
    validator.validate(other, NOW);
  }

  @Test
  void validate_guardNotConsultedForInauthenticOrUntimelyRequests() {
    ConsentRequest good = request(NOW, NOW + 60_000);
    ConsentRequest tampered = withPurpose(good, "advertising");
    assertRejected(() -> validator.validate(tampered, NOW))
        .hasMessage("request signature does not verify");
    assertReason(() -> validator.validate(tampered, NOW), Reason.BAD_SIGNATURE);

    ConsentRequest badSig = withSig(good, "00".repeat(64));
    assertReason(() -> validator.validate(badSig, NOW), Reason.BAD_SIGNATURE);

    ConsentRequest otherPeerId =
        new ConsentRequest(
            1,
            RESPONDER.peerId().value(),
            good.requesterPubKeyHex(),
            good.contentCidHex(),
            good.purpose(),
            good.expiresMs(),
            good.tsMs(),
            good.nonceHex(),
            good.sigHex());
    assertRejected(() -> validator.validate(otherPeerId, NOW))
        .hasMessage("requester_peer_id does not match requester_pub_key_hex");
    assertReason(() -> validator.validate(otherPeerId, NOW), Reason.PEER_ID_MISMATCH);

    ConsentRequest weakKey =
        new ConsentRequest(
            1,
            good.requesterPeerId(),
            "01" + "00".repeat(31),
            good.contentCidHex(),
            good.purpose(),
            good.expiresMs(),
            good.tsMs(),
            good.nonceHex(),
            good.sigHex());
    assertRejected(() -> validator.validate(weakKey, NOW))
        .hasMessage("requester public key is not a valid Ed25519 point of prime order");
    assertReason(() -> validator.validate(weakKey, NOW), Reason.INVALID_KEY);

    assertReason(() -> validator.validate(request(NOW - SKEW - 1, NOW + 1), NOW), Reason.STALE);
    assertReason(
        () -> validator.validate(request(NOW + SKEW + 1, NOW + SKEW + 2), NOW), Reason.FROM_FUTURE);
    assertReason(() -> validator.validate(request(NOW - 10, NOW - 1), NOW), Reason.EXPIRED);
    assertReason(
        () -> validator.validate(request(NOW, NOW - 1), NOW), Reason.EXPIRES_BEFORE_CREATION);
    assertReason(
        () -> validator.validate(request(NOW, NOW + LIFETIME + 1), NOW), Reason.LIFETIME_TOO_LONG);

    assertThat(guard.calls).as("no rejected request may reach or burn the replay guard").isEmpty();
  }

  @Test
  void validate_forgedCopyDoesNotBurnTheHonestNonce() throws ConsentRejectedException {
    ConsentRequest good = request(NOW, NOW + 60_000);
    assertReason(() -> validator.validate(withPurpose(good, "other"), NOW), Reason.BAD_SIGNATURE);
    validator.validate(good, NOW);
    assertThat(guard.calls).hasSize(1);
  }

  @Test
  void validate_throwingGuardFailsClosed() {
    ConsentValidator failing =
        new ConsentValidator(
            ConsentValidator.Rules.DEFAULT,
            (peerId, nonce, now, retainUntil) -> {
              throw new IllegalStateException("replica store unreachable");
            });
    ConsentRequest request = request(NOW, NOW + 60_000);
    assertRejected(() -> failing.validate(request, NOW))
        .hasMessage("replay check unavailable; request refused");
    assertReason(() -> failing.validate(request, NOW), Reason.REPLAY_CHECK_UNAVAILABLE);
  }

  @Test
  void validate_passesRetainUntilAsMinOfExpiryAndTsPlusSkewPlusSkew()
      throws ConsentRejectedException {
    // expires before ts + skew: min is expires.
    validator.validate(request(NOW, NOW + 10_000), NOW);
    // expires after ts + skew: min is ts + skew.
    validator.validate(request(NOW, NOW + 3_600_000), NOW);
    // ts in the past: ts + skew is earlier still.
    validator.validate(request(NOW - 30_000, NOW + 3_600_000), NOW);
    // ts in the future.
    validator.validate(request(NOW + 45_000, NOW + 50_000), NOW);
    assertThat(guard.calls)
        .extracting(Call::retainUntil)
        .containsExactly(
            NOW + 10_000 + SKEW,
            NOW + SKEW + SKEW,
            NOW - 30_000 + SKEW + SKEW,
            NOW + 50_000 + SKEW);
    assertThat(guard.calls).extracting(Call::peerId).containsOnly(REQUESTER.peerId().value());
  }

  @Test
  void rules_rejectNegativeSkewAndNonPositiveLifetime() {
    assertThatThrownBy(() -> new ConsentValidator.Rules(Duration.ofMillis(-1), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clock skew must be >= 0 and lifetime > 0");
    assertThatThrownBy(() -> new ConsentValidator.Rules(Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- InMemoryReplayGuard ----

  @Test
  void inMemoryGuard_refusesWhenFullOfLivePairsAndPurgesExpiredOnes()
      throws ConsentRejectedException {
    InMemoryReplayGuard memory = new InMemoryReplayGuard(2);
    ConsentValidator bounded = new ConsentValidator(ConsentValidator.Rules.DEFAULT, memory);
    ConsentRequest first = request(NOW, NOW + 10_000); // retained until NOW + 70 000
    ConsentRequest second = request(NOW, NOW + 60_000); // retained until NOW + 120 000
    bounded.validate(first, NOW);
    bounded.validate(second, NOW);
    assertThat(memory.size()).isEqualTo(2);

    // Full of live pairs: a new pair is refused rather than an old one forgotten (fail closed).
    ConsentRequest third = request(NOW + 40_000, NOW + 100_000);
    assertThatThrownBy(() -> memory.firstUse("X", "y", NOW, NOW))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("replay guard is full");
    assertReason(() -> bounded.validate(third, NOW + 40_000), Reason.REPLAY_CHECK_UNAVAILABLE);
    // Replays of held pairs are still recognised as replays while full.
    assertReason(() -> bounded.validate(first, NOW), Reason.REPLAYED);

    // At the retention instant the pair is still held; one millisecond later it may be purged.
    assertReason(() -> bounded.validate(third, NOW + 70_000), Reason.REPLAY_CHECK_UNAVAILABLE);
    bounded.validate(third, NOW + 70_001);
    assertThat(memory.size()).isEqualTo(2);
    assertReason(() -> bounded.validate(third, NOW + 70_001), Reason.REPLAYED);
  }

  @Test
  void inMemoryGuard_forgetsAPairOnlyAfterItsRetentionByTheCallersClock() {
    InMemoryReplayGuard memory = new InMemoryReplayGuard(10);
    assertThat(memory.firstUse("P", "n", 1_000, 2_000)).isTrue();
    assertThat(memory.firstUse("P", "n", 1_000, 2_000)).isFalse();
    assertThat(memory.firstUse("P", "n", 2_000, 3_000)).isFalse();
    assertThat(memory.firstUse("P", "n", 2_001, 3_000)).isTrue();
    assertThat(memory.firstUse("P", "n", 2_001, 3_000)).isFalse();
    assertThat(memory.firstUse("Q", "n", 2_001, 3_000)).isTrue();
    assertThatThrownBy(() -> new InMemoryReplayGuard(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- validateResponse ----

  @Test
  void validateResponse_acceptsAllowUntilTsPlusTtl() throws ConsentRejectedException {
    ConsentRequest request = request(NOW, NOW + 60_000);
    ConsentResponse allow = ConsentResponse.allow(RESPONDER, request, 120_000, NOW + 1_000);
    VerifiedConsentResponse verified =
        ConsentValidator.validateResponse(allow, request, RESPONDER.publicKey(), NOW + 121_000);
    assertThat(verified.validUntilMs()).isEqualTo(NOW + 121_000);
    assertThat(verified.allowsAt(NOW + 121_000)).isTrue();
    assertThat(verified.allowsAt(NOW + 121_001)).isFalse();
    assertThat(verified.responderKey()).isEqualTo(RESPONDER.publicKey());
    assertRejected(
            () ->
                ConsentValidator.validateResponse(
                    allow, request, RESPONDER.publicKey(), NOW + 121_001))
        .hasMessage("consent ended at ts_ms + ttl_ms");
    assertReason(
        () ->
            ConsentValidator.validateResponse(allow, request, RESPONDER.publicKey(), NOW + 121_001),
        Reason.CONSENT_ENDED);
    // Without a time the check is the reference's: authenticity and binding only.
    ConsentValidator.validateResponse(allow, request, null, null);
  }

  @Test
  void validateResponse_rejectsUnexpectedResponder() {
    ConsentRequest request = request(NOW, NOW + 60_000);
    ConsentResponse allow = ConsentResponse.allow(RESPONDER, request, 120_000, NOW);
    assertRejected(
            () -> ConsentValidator.validateResponse(allow, request, REQUESTER.publicKey(), NOW))
        .hasMessage(
            "response was signed by DW3C3OQDGHS4Z6ZGMG4UWWSML3, expected I4MLJTQWUZ66GBMNYEP75Z2QSD");
    assertReason(
        () -> ConsentValidator.validateResponse(allow, request, REQUESTER.publicKey(), NOW),
        Reason.UNEXPECTED_RESPONDER);
  }

  @Test
  void validateResponse_denyMustCarryZeroTtl() throws ConsentRejectedException {
    ConsentRequest request = request(NOW, NOW + 60_000);
    ConsentResponse badDeny =
        ConsentResponse.signUnchecked(
            RESPONDER, request.hashHex(), ConsentDecision.DENY, 30_000, NOW);
    assertRejected(
            () -> ConsentValidator.validateResponse(badDeny, request, RESPONDER.publicKey(), NOW))
        .hasMessage("deny must carry ttl_ms = 0");
    assertReason(
        () -> ConsentValidator.validateResponse(badDeny, request, RESPONDER.publicKey(), NOW),
        Reason.DENY_WITH_TTL);
    ConsentResponse deny = ConsentResponse.deny(RESPONDER, request, NOW);
    VerifiedConsentResponse verified =
        ConsentValidator.validateResponse(deny, request, RESPONDER.publicKey(), NOW + 1_000_000);
    assertThat(verified.response().decision()).isEqualTo(ConsentDecision.DENY);
    assertThat(verified.allowsAt(NOW)).isFalse();
  }

  @Test
  void validateResponse_rejectsOtherRequestTamperingAndForeignKeys() {
    ConsentRequest request = request(NOW, NOW + 60_000);
    ConsentRequest other = request(NOW, NOW + 60_000);
    ConsentResponse allow = ConsentResponse.allow(RESPONDER, request, 120_000, NOW);
    assertRejected(() -> ConsentValidator.validateResponse(allow, other, null, null))
        .hasMessage("request_hash_hex does not match the request");
    assertReason(
        () -> ConsentValidator.validateResponse(allow, other, null, null), Reason.WRONG_REQUEST);

    ConsentResponse longer =
        new ConsentResponse(
            1,
            allow.requestHashHex(),
            allow.responderPeerId(),
            allow.responderPubKeyHex(),
            allow.decision(),
            allow.ttlMs() + 1,
            allow.tsMs(),
            allow.sigHex());
    assertRejected(() -> ConsentValidator.validateResponse(longer, request, null, null))
        .hasMessage("response signature does not verify");
    assertReason(
        () -> ConsentValidator.validateResponse(longer, request, null, null), Reason.BAD_SIGNATURE);

    ConsentResponse wrongId =
        new ConsentResponse(
            1,
            allow.requestHashHex(),
            REQUESTER.peerId().value(),
            allow.responderPubKeyHex(),
            allow.decision(),
            allow.ttlMs(),
            allow.tsMs(),
            allow.sigHex());
    assertReason(
        () -> ConsentValidator.validateResponse(wrongId, request, null, null),
        Reason.PEER_ID_MISMATCH);

    ConsentResponse weak =
        new ConsentResponse(
            1,
            allow.requestHashHex(),
            allow.responderPeerId(),
            "ec" + "ff".repeat(30) + "7f",
            allow.decision(),
            allow.ttlMs(),
            allow.tsMs(),
            allow.sigHex());
    assertRejected(() -> ConsentValidator.validateResponse(weak, request, null, null))
        .hasMessage("responder public key is not a valid Ed25519 point of prime order");
  }

  // ---- helpers ----

  private ConsentRequest request(long tsMs, long expiresMs) {
    byte[] nonce = new byte[ConsentRequest.NONCE_LENGTH];
    nonce[0] = (byte) 0xa0;
    nonce[11] = (byte) ++nonceCounter;
    nonce[10] = (byte) (nonceCounter >> 8);
    return ConsentRequest.sign(REQUESTER, CID, "indexing", expiresMs, tsMs, nonce);
  }

  private static ConsentRequest withPurpose(ConsentRequest r, String purpose) {
    return new ConsentRequest(
        r.version(),
        r.requesterPeerId(),
        r.requesterPubKeyHex(),
        r.contentCidHex(),
        purpose,
        r.expiresMs(),
        r.tsMs(),
        r.nonceHex(),
        r.sigHex());
  }

  private static ConsentRequest withSig(ConsentRequest r, String sigHex) {
    return new ConsentRequest(
        r.version(),
        r.requesterPeerId(),
        r.requesterPubKeyHex(),
        r.contentCidHex(),
        r.purpose(),
        r.expiresMs(),
        r.tsMs(),
        r.nonceHex(),
        sigHex);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(Executable call) {
    return assertThatThrownBy(call::execute).isInstanceOf(ConsentRejectedException.class);
  }

  private static void assertReason(Executable call, Reason reason) {
    assertThatThrownBy(call::execute)
        .isInstanceOf(ConsentRejectedException.class)
        .extracting(e -> ((ConsentRejectedException) e).reason())
        .isEqualTo(reason);
  }

  private record Call(String peerId, String nonceHex, long retainUntil) {}

  /** Records every consultation and answers like a correct guard. */
  private static final class RecordingGuard implements ReplayGuard {
    final List<Call> calls = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();

    @Override
    public boolean firstUse(String peerId, String nonceHex, long nowMs, long retainUntilMs) {
      calls.add(new Call(peerId, nonceHex, retainUntilMs));
      return seen.add(peerId + ':' + nonceHex);
    }
  }
}
