package io.hsip.policygateway.hsip.hello;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.hsip.Fixtures;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * Strict parsing of JSON HELLO datagrams (docs/protocol.md#json-hello): one fixture per structural
 * rule of {@link Hello#parseDatagram}, and the checks of {@link Hello#verify}. Fixtures ({@code
 * hsip/fixtures/hello/}) are whole UDP datagrams ({@code "HSIP" 00 02} and compact JSON) as hex.
 */
class HelloParseTest {

  private static final String FORMAT = "hello";
  private static final long TS = 1731880000000L;
  private static final long SKEW_MS = 60_000L;

  private static byte[] datagram(String name) {
    return Fixtures.hex(FORMAT, name);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertParseFails(String name) {
    return assertThatThrownBy(() -> Hello.parseDatagram(datagram(name)))
        .isExactlyInstanceOf(HelloParseException.class);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertVerifyFails(
      String name, long nowMs) {
    return assertThatThrownBy(() -> Hello.parseDatagram(datagram(name)).verify(nowMs, SKEW_MS))
        .isExactlyInstanceOf(HelloParseException.class);
  }

  @Test
  void from_valid() throws Exception {
    Hello hello = Hello.parseDatagram(datagram("valid_hello.hex"));

    assertThat(hello.peerId()).isEqualTo("I4MLJTQWUZ66GBMNYEP75Z2QSD");
    assertThat(hello.caps()).isEqualTo(Hello.REFERENCE_CAPS);
    assertThat(hello.ts()).isEqualTo(TS);
    assertThat(hello.nonce()).isEqualTo("sLGys7S1tre4ubq7");
    assertThat(hello.toDatagram()).isEqualTo(datagram("valid_hello.hex"));
    assertThat(hello.verify(TS, SKEW_MS)).isEqualTo(Fixtures.REQUESTER.publicKey());
  }

  @Test
  void from_validAtSkewEdges() throws Exception {
    Hello hello = Hello.parseDatagram(datagram("valid_hello.hex"));

    assertThat(hello.verify(TS + SKEW_MS, SKEW_MS)).isEqualTo(Fixtures.REQUESTER.publicKey());
    assertThat(hello.verify(TS - SKEW_MS, SKEW_MS)).isEqualTo(Fixtures.REQUESTER.publicKey());
  }

  // --- prefix ---

  @Test
  void from_shorterThanPrefix() {
    assertParseFails("error_shorter_than_prefix.hex")
        .hasMessage("datagram shorter than the 6-byte HSIP prefix");
  }

  @Test
  void from_wrongMagic() {
    assertParseFails("error_wrong_magic.hex").hasMessage("datagram does not start with \"HSIP\"");
  }

  @Test
  void from_unsupportedVersion() {
    assertParseFails("error_unsupported_version.hex")
        .hasMessage("unsupported HSIP version 1 (expected 2)");
  }

  // --- JSON ---

  @Test
  void from_prefixOnly() {
    assertParseFails("error_prefix_only.hex").hasMessage("empty JSON document");
  }

  @Test
  void from_malformedJson() {
    assertParseFails("error_malformed_json.hex").hasMessage("malformed JSON at line 1, column 373");
  }

  @Test
  void from_notUtf8() {
    assertParseFails("error_not_utf8.hex").hasMessage("JSON document is not valid UTF-8");
  }

  @Test
  void from_missingType() {
    assertParseFails("error_missing_type.hex").hasMessage("missing field `type`");
  }

  @Test
  void from_typeNotHello() {
    assertParseFails("error_type_not_hello.hex").hasMessage("field `type` must be \"HELLO\"");
  }

  @Test
  void from_peerIdMalformed() {
    assertParseFails("error_peer_id_malformed.hex")
        .hasMessage("field `peer_id` must be a PeerID (26 characters of A-Z and 2-7)");
  }

  @Test
  void from_pubKeyHexUppercase() {
    assertParseFails("error_pub_key_hex_uppercase.hex")
        .hasMessage("field `pub_key_hex` must be 64 lowercase hex characters");
  }

  @Test
  void from_capsNotArray() {
    assertParseFails("error_caps_not_array.hex")
        .hasMessage("field `caps` must be an array of strings");
  }

  @Test
  void from_capsElementNotString() {
    assertParseFails("error_caps_element_not_string.hex")
        .hasMessage("field `caps` must be an array of strings");
  }

  @Test
  void from_capsTooMany() {
    assertParseFails("error_caps_too_many.hex").hasMessage("field `caps` has more than 32 entries");
  }

  @Test
  void from_capEmpty() {
    assertParseFails("error_cap_empty.hex")
        .hasMessage("field `caps`: a capability must be 1 to 64 characters");
  }

  @Test
  void from_capTooLong() {
    assertParseFails("error_cap_too_long.hex")
        .hasMessage("field `caps`: a capability must be 1 to 64 characters");
  }

  @Test
  void from_capSeparator() {
    assertParseFails("error_cap_separator.hex")
        .hasMessage("field `caps`: a capability must not contain `,`, `|` or control characters");
  }

  @Test
  void from_capUnpairedSurrogate() {
    assertParseFails("error_cap_unpaired_surrogate.hex")
        .hasMessage("field `caps[3]` contains an unpaired surrogate");
  }

  @Test
  void from_tsNegative() {
    assertParseFails("error_ts_negative.hex")
        .hasMessage("field `ts` must be a non-negative integer");
  }

  @Test
  void from_noncePadded() {
    assertParseFails("error_nonce_padded.hex")
        .hasMessage("field `nonce` must be 12 bytes in unpadded standard Base64 (16 characters)");
  }

  @Test
  void from_nonceUrlSafeAlphabet() {
    assertParseFails("error_nonce_url_safe_alphabet.hex")
        .hasMessage("field `nonce` must be 12 bytes in unpadded standard Base64 (16 characters)");
  }

  @Test
  void from_nonceWrongLength() {
    assertParseFails("error_nonce_wrong_length.hex")
        .hasMessage("field `nonce` must be 12 bytes in unpadded standard Base64 (16 characters)");
  }

  @Test
  void from_sigWrongLength() {
    assertParseFails("error_sig_wrong_length.hex")
        .hasMessage("field `sig` must be 128 lowercase hex characters");
  }

  // --- well-formed, but not authentic or not fresh (Hello.verify) ---

  @Test
  void from_verifyInvalidKey() {
    assertVerifyFails("error_verify_invalid_key.hex", TS)
        .hasMessage("HELLO public key is not a valid Ed25519 point of prime order");
  }

  @Test
  void from_verifyPeerIdMismatch() {
    assertVerifyFails("error_verify_peer_id_mismatch.hex", TS)
        .hasMessage("peer_id does not match pub_key_hex");
  }

  @Test
  void from_verifyBadSignature() {
    assertVerifyFails("error_verify_bad_signature.hex", TS)
        .hasMessage("HELLO signature does not verify");
  }

  @Test
  void from_stale() {
    assertVerifyFails("valid_hello.hex", TS + SKEW_MS + 1)
        .hasMessage("HELLO ts is more than 60000 ms from our clock");
  }

  @Test
  void from_future() {
    assertVerifyFails("valid_hello.hex", TS - SKEW_MS - 1)
        .hasMessage("HELLO ts is more than 60000 ms from our clock");
  }
}
