package io.hsip.policygateway.hsip.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.hsip.Fixtures;
import io.hsip.policygateway.hsip.consent.ConsentRejectedException.Reason;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * Strict parsing of consent requests (docs/protocol.md#consent-request), one fixture per structural
 * rule of {@link ConsentRequest#parse} and of the strict JSON reader beneath it, plus the
 * authenticity checks of {@link ConsentValidator#verifySignature} on well-formed documents.
 * Fixtures: {@code hsip/fixtures/consent_request/}.
 */
class ConsentRequestParseTest {

  private static final String FORMAT = "consent_request";

  private static byte[] fixture(String name) {
    return Fixtures.bytes(FORMAT, name);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertParseFails(String name) {
    return assertThatThrownBy(() -> ConsentRequest.parse(fixture(name)))
        .isExactlyInstanceOf(ConsentParseException.class);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(
      String name, Reason reason) {
    return assertThatThrownBy(
            () -> ConsentValidator.verifySignature(ConsentRequest.parse(fixture(name))))
        .isExactlyInstanceOf(ConsentRejectedException.class)
        .satisfies(e -> assertThat(((ConsentRejectedException) e).reason()).isEqualTo(reason));
  }

  @Test
  void from_valid() throws Exception {
    ConsentRequest request = ConsentRequest.parse(fixture("valid_request.json"));

    assertThat(request.version()).isEqualTo(1);
    assertThat(request.requesterPeerId()).isEqualTo("I4MLJTQWUZ66GBMNYEP75Z2QSD");
    assertThat(request.requesterPubKeyHex()).isEqualTo(Fixtures.REQUESTER.publicKey().hex());
    assertThat(request.purpose()).isEqualTo("indexing");
    assertThat(request.expiresMs()).isEqualTo(1731880060000L);
    assertThat(request.tsMs()).isEqualTo(1731880000000L);
    assertThat(request.nonceHex()).isEqualTo("a0a1a2a3a4a5a6a7a8a9aaab");
    assertThat(request.toPrettyJson()).isEqualTo(Fixtures.text(FORMAT, "valid_request.json"));
    assertThat(ConsentValidator.verifySignature(request)).isEqualTo(Fixtures.REQUESTER.publicKey());
  }

  @Test
  void from_validCompact() throws Exception {
    ConsentRequest request = ConsentRequest.parse(fixture("valid_request_compact.json"));

    assertThat(request).isEqualTo(ConsentRequest.parse(fixture("valid_request.json")));
    assertThat(request.toJson()).isEqualTo(Fixtures.text(FORMAT, "valid_request_compact.json"));
  }

  @Test
  void from_validUnknownField() throws Exception {
    assertThat(ConsentRequest.parse(fixture("valid_request_unknown_field.json")))
        .isEqualTo(ConsentRequest.parse(fixture("valid_request.json")));
  }

  @Test
  void from_validNestingAtLimit() throws Exception {
    assertThat(ConsentRequest.parse(fixture("valid_request_nesting_at_limit.json")))
        .isEqualTo(ConsentRequest.parse(fixture("valid_request.json")));
  }

  // --- the strict JSON reader (json/StrictJson, json/JsonObject) ---

  @Test
  void from_malformedJson() {
    assertParseFails("error_malformed_json.json").hasMessage("malformed JSON at line 2, column 13");
  }

  @Test
  void from_trailingData() {
    assertParseFails("error_trailing_data.json")
        .hasMessage("trailing data after the JSON value at line 12, column 1");
  }

  @Test
  void from_emptyDocument() {
    assertParseFails("error_empty_document.json").hasMessage("empty JSON document");
  }

  @Test
  void from_topLevelNotObject() {
    assertParseFails("error_top_level_not_object.json")
        .hasMessage("top-level JSON value must be an object");
  }

  @Test
  void from_notUtf8() {
    assertParseFails("error_not_utf8.json").hasMessage("JSON document is not valid UTF-8");
  }

  @Test
  void from_byteOrderMark() {
    assertParseFails("error_byte_order_mark.json")
        .hasMessage("JSON document starts with a byte order mark");
  }

  @Test
  void from_documentTooLarge() {
    assertParseFails("error_document_too_large.json")
        .hasMessage("JSON document larger than 65535 bytes");
  }

  @Test
  void from_stringTooLong() {
    assertParseFails("error_string_too_long.json")
        .hasMessage("JSON document exceeds the reader's limits");
  }

  @Test
  void from_numberTooLong() {
    assertParseFails("error_number_too_long.json")
        .hasMessage("JSON document exceeds the reader's limits");
  }

  @Test
  void from_nestingTooDeep() {
    assertParseFails("error_nesting_too_deep.json").hasMessage("JSON nesting deeper than 8 levels");
  }

  @Test
  void from_duplicateField() {
    assertParseFails("error_duplicate_field.json").hasMessage("duplicate field `purpose`");
  }

  @Test
  void from_missingField() {
    assertParseFails("error_missing_field.json").hasMessage("missing field `purpose`");
  }

  @Test
  void from_versionNotInteger() {
    assertParseFails("error_version_not_integer.json")
        .hasMessage("field `version` must be a non-negative integer");
  }

  @Test
  void from_expiresFractional() {
    assertParseFails("error_expires_fractional.json")
        .hasMessage("field `expires_ms` must be a non-negative integer");
  }

  @Test
  void from_tsNegative() {
    assertParseFails("error_ts_negative.json")
        .hasMessage("field `ts_ms` must be a non-negative integer");
  }

  @Test
  void from_expiresOutOfRange() {
    assertParseFails("error_expires_out_of_range.json")
        .hasMessage("field `expires_ms` is out of range");
  }

  @Test
  void from_purposeNotString() {
    assertParseFails("error_purpose_not_string.json")
        .hasMessage("field `purpose` must be a string");
  }

  @Test
  void from_purposeUnpairedSurrogate() {
    assertParseFails("error_purpose_unpaired_surrogate.json")
        .hasMessage("field `purpose` contains an unpaired surrogate");
  }

  // --- consent rules (consent/ConsentFields) ---

  @Test
  void from_unsupportedVersion() {
    assertParseFails("error_unsupported_version.json")
        .hasMessage("unsupported version 2 (expected 1)");
  }

  @Test
  void from_peerIdMalformed() {
    assertParseFails("error_peer_id_malformed.json")
        .hasMessage("field `requester_peer_id` must be a PeerID (26 characters of A-Z and 2-7)");
  }

  @Test
  void from_pubKeyUppercase() {
    assertParseFails("error_pub_key_uppercase.json")
        .hasMessage("field `requester_pub_key_hex` must be 64 lowercase hex characters");
  }

  @Test
  void from_contentCidShort() {
    assertParseFails("error_content_cid_short.json")
        .hasMessage("field `content_cid_hex` must be 64 lowercase hex characters");
  }

  @Test
  void from_nonceWrongLength() {
    assertParseFails("error_nonce_wrong_length.json")
        .hasMessage("field `nonce_hex` must be 24 lowercase hex characters");
  }

  @Test
  void from_sigWrongLength() {
    assertParseFails("error_sig_wrong_length.json")
        .hasMessage("field `sig_hex` must be 128 lowercase hex characters");
  }

  @Test
  void from_purposeEmpty() {
    assertParseFails("error_purpose_empty.json").hasMessage("field `purpose` must not be empty");
  }

  @Test
  void from_purposeTooLong() {
    assertParseFails("error_purpose_too_long.json")
        .hasMessage("field `purpose` must be at most 256 characters");
  }

  @Test
  void from_purposePipe() {
    assertParseFails("error_purpose_pipe.json").hasMessage("field `purpose` must not contain `|`");
  }

  @Test
  void from_purposeControlCharacter() {
    assertParseFails("error_purpose_control_character.json")
        .hasMessage("field `purpose` must not contain control characters");
  }

  // --- well-formed, but not authentic (ConsentValidator.verifySignature) ---

  @Test
  void from_signatureDoesNotVerify() {
    assertRejected("error_signature_does_not_verify.json", Reason.BAD_SIGNATURE)
        .hasMessage("request signature does not verify");
  }

  @Test
  void from_peerIdMismatch() {
    assertRejected("error_peer_id_mismatch.json", Reason.PEER_ID_MISMATCH)
        .hasMessage("requester_peer_id does not match requester_pub_key_hex");
  }

  @Test
  void from_invalidPublicKey() {
    assertRejected("error_invalid_public_key.json", Reason.INVALID_KEY)
        .hasMessage("requester public key is not a valid Ed25519 point of prime order");
  }
}
