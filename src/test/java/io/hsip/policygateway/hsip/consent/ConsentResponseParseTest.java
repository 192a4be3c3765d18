package io.hsip.policygateway.hsip.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.hsip.Fixtures;
import io.hsip.policygateway.hsip.consent.ConsentRejectedException.Reason;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import org.assertj.core.api.AbstractThrowableAssert;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Strict parsing of consent responses (docs/protocol.md#consent-response), one fixture per
 * structural rule of {@link ConsentResponse#parse}, plus the checks of {@link
 * ConsentValidator#validateResponse} against the vectors' request ({@code
 * consent_request/valid_request.json}). Fixtures: {@code hsip/fixtures/consent_response/}.
 */
class ConsentResponseParseTest {

  private static final String FORMAT = "consent_response";
  private static final long TS_MS = 1731880001000L;
  private static final long TTL_MS = 120000L;

  private static byte[] fixture(String name) {
    return Fixtures.bytes(FORMAT, name);
  }

  private static ConsentRequest request() throws ConsentParseException {
    return ConsentRequest.parse(Fixtures.bytes("consent_request", "valid_request.json"));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertParseFails(String name) {
    return assertThatThrownBy(() -> ConsentResponse.parse(fixture(name)))
        .isExactlyInstanceOf(ConsentParseException.class);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(
      String name,
      @Nullable Ed25519PublicKey expectedResponder,
      @Nullable Long nowMs,
      Reason reason) {
    return assertThatThrownBy(
            () ->
                ConsentValidator.validateResponse(
                    ConsentResponse.parse(fixture(name)), request(), expectedResponder, nowMs))
        .isExactlyInstanceOf(ConsentRejectedException.class)
        .satisfies(e -> assertThat(((ConsentRejectedException) e).reason()).isEqualTo(reason));
  }

  @Test
  void from_validAllow() throws Exception {
    ConsentResponse response = ConsentResponse.parse(fixture("valid_response_allow.json"));

    assertThat(response.requestHashHex()).isEqualTo(request().hashHex());
    assertThat(response.responderPeerId()).isEqualTo("DW3C3OQDGHS4Z6ZGMG4UWWSML3");
    assertThat(response.decision()).isEqualTo(ConsentDecision.ALLOW);
    assertThat(response.ttlMs()).isEqualTo(TTL_MS);
    assertThat(response.tsMs()).isEqualTo(TS_MS);
    assertThat(response.toPrettyJson())
        .isEqualTo(Fixtures.text(FORMAT, "valid_response_allow.json"));
    VerifiedConsentResponse verified =
        ConsentValidator.validateResponse(
            response, request(), Fixtures.RESPONDER.publicKey(), TS_MS + TTL_MS);
    assertThat(verified.validUntilMs()).isEqualTo(TS_MS + TTL_MS);
    assertThat(verified.allowsAt(TS_MS + TTL_MS)).isTrue();
  }

  @Test
  void from_validDeny() throws Exception {
    ConsentResponse response = ConsentResponse.parse(fixture("valid_response_deny.json"));

    assertThat(response.decision()).isEqualTo(ConsentDecision.DENY);
    assertThat(response.ttlMs()).isZero();
    assertThat(response.toJson()).isEqualTo(Fixtures.text(FORMAT, "valid_response_deny.json"));
    VerifiedConsentResponse verified =
        ConsentValidator.validateResponse(
            response, request(), Fixtures.RESPONDER.publicKey(), TS_MS);
    assertThat(verified.allowsAt(TS_MS)).isFalse();
  }

  @Test
  void from_missingField() {
    assertParseFails("error_missing_field.json").hasMessage("missing field `decision`");
  }

  @Test
  void from_duplicateField() {
    assertParseFails("error_duplicate_field.json").hasMessage("duplicate field `decision`");
  }

  @Test
  void from_topLevelNotObject() {
    assertParseFails("error_top_level_not_object.json")
        .hasMessage("top-level JSON value must be an object");
  }

  @Test
  void from_unsupportedVersion() {
    assertParseFails("error_unsupported_version.json")
        .hasMessage("unsupported version 0 (expected 1)");
  }

  @Test
  void from_requestHashWrongLength() {
    assertParseFails("error_request_hash_wrong_length.json")
        .hasMessage("field `request_hash_hex` must be 64 lowercase hex characters");
  }

  @Test
  void from_responderPeerIdMalformed() {
    assertParseFails("error_responder_peer_id_malformed.json")
        .hasMessage("field `responder_peer_id` must be a PeerID (26 characters of A-Z and 2-7)");
  }

  @Test
  void from_responderPubKeyWrongLength() {
    assertParseFails("error_responder_pub_key_wrong_length.json")
        .hasMessage("field `responder_pub_key_hex` must be 64 lowercase hex characters");
  }

  @Test
  void from_decisionUnknown() {
    assertParseFails("error_decision_unknown.json")
        .hasMessage("field `decision` must be \"allow\" or \"deny\"");
  }

  @Test
  void from_decisionCapitalised() {
    assertParseFails("error_decision_capitalised.json")
        .hasMessage("field `decision` must be \"allow\" or \"deny\"");
  }

  @Test
  void from_decisionNotString() {
    assertParseFails("error_decision_not_string.json")
        .hasMessage("field `decision` must be a string");
  }

  @Test
  void from_ttlNegative() {
    assertParseFails("error_ttl_negative.json")
        .hasMessage("field `ttl_ms` must be a non-negative integer");
  }

  @Test
  void from_ttlFractional() {
    assertParseFails("error_ttl_fractional.json")
        .hasMessage("field `ttl_ms` must be a non-negative integer");
  }

  @Test
  void from_tsOutOfRange() {
    assertParseFails("error_ts_out_of_range.json").hasMessage("field `ts_ms` is out of range");
  }

  @Test
  void from_sigUppercase() {
    assertParseFails("error_sig_uppercase.json")
        .hasMessage("field `sig_hex` must be 128 lowercase hex characters");
  }

  // --- well-formed, but not an acceptable answer (ConsentValidator.validateResponse) ---

  @Test
  void from_denyWithTtl() {
    assertRejected("error_deny_with_ttl.json", null, null, Reason.DENY_WITH_TTL)
        .hasMessage("deny must carry ttl_ms = 0");
  }

  @Test
  void from_wrongRequest() {
    assertRejected("error_wrong_request.json", null, null, Reason.WRONG_REQUEST)
        .hasMessage("request_hash_hex does not match the request");
  }

  @Test
  void from_signatureDoesNotVerify() {
    assertRejected("error_signature_does_not_verify.json", null, null, Reason.BAD_SIGNATURE)
        .hasMessage("response signature does not verify");
  }

  @Test
  void from_peerIdMismatch() {
    assertRejected("error_peer_id_mismatch.json", null, null, Reason.PEER_ID_MISMATCH)
        .hasMessage("responder_peer_id does not match responder_pub_key_hex");
  }

  @Test
  void from_unexpectedResponder() {
    assertRejected(
            "valid_response_allow.json",
            Fixtures.REQUESTER.publicKey(),
            null,
            Reason.UNEXPECTED_RESPONDER)
        .hasMessage(
            "response was signed by DW3C3OQDGHS4Z6ZGMG4UWWSML3, expected I4MLJTQWUZ66GBMNYEP75Z2QSD");
  }

  @Test
  void from_consentEnded() {
    assertRejected("valid_response_allow.json", null, TS_MS + TTL_MS + 1, Reason.CONSENT_ENDED)
        .hasMessage("consent ended at ts_ms + ttl_ms");
  }
}
