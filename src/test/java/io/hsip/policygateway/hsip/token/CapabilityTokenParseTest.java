package io.hsip.policygateway.hsip.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.hsip.Fixtures;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * Strict parsing of the CLI capability token (docs/protocol.md#capability-tokens): one fixture per
 * structural rule of {@link CapabilityToken#parse}, and the checks of {@link
 * CapabilityToken#verify}. The vectors' token is issued by the responder to the requester.
 * Fixtures: {@code hsip/fixtures/capability_token/}.
 */
class CapabilityTokenParseTest {

  private static final String FORMAT = "capability_token";
  private static final long EXPIRES_AT_MS = 1731880030000L;

  private static byte[] fixture(String name) {
    return Fixtures.bytes(FORMAT, name);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertParseFails(String name) {
    return assertThatThrownBy(() -> CapabilityToken.parse(fixture(name)))
        .isExactlyInstanceOf(TokenException.class);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertVerifyFails(
      String name, io.hsip.policygateway.hsip.keys.SigningKey issuer, long nowMs) {
    return assertThatThrownBy(
            () -> CapabilityToken.parse(fixture(name)).verify(issuer.publicKey(), nowMs))
        .isExactlyInstanceOf(TokenException.class);
  }

  @Test
  void from_valid() throws Exception {
    CapabilityToken token = CapabilityToken.parse(fixture("valid_token.json"));

    assertThat(token.issuer()).isEqualTo("DW3C3OQDGHS4Z6ZGMG4UWWSML3");
    assertThat(token.issuerPeer()).isEqualTo("DW3C3OQDGHS4Z6ZGMG4UWWSML3");
    assertThat(token.grantee()).isEqualTo("I4MLJTQWUZ66GBMNYEP75Z2QSD");
    assertThat(token.capabilities()).containsExactly(Capability.SESSION, Capability.PING);
    assertThat(token.grants(Capability.VOICE)).isFalse();
    assertThat(token.expiresAtMs()).isEqualTo(EXPIRES_AT_MS);
    assertThat(token.toPrettyJson()).isEqualTo(Fixtures.text(FORMAT, "valid_token.json"));
    token.verify(Fixtures.RESPONDER.publicKey(), EXPIRES_AT_MS);
  }

  @Test
  void from_validWithoutIssuerPeer() throws Exception {
    CapabilityToken token = CapabilityToken.parse(fixture("valid_token_without_issuer_peer.json"));

    assertThat(token.issuerPeer()).isNull();
    token.verify(Fixtures.RESPONDER.publicKey(), EXPIRES_AT_MS);
  }

  @Test
  void from_validSig0xPrefix() throws Exception {
    CapabilityToken token = CapabilityToken.parse(fixture("valid_token_sig_0x_prefix.json"));

    assertThat(token.sigHex())
        .isEqualTo(CapabilityToken.parse(fixture("valid_token.json")).sigHex());
    token.verify(Fixtures.RESPONDER.publicKey(), EXPIRES_AT_MS);
  }

  @Test
  void from_issuerMalformed() {
    assertParseFails("error_issuer_malformed.json")
        .hasMessage("field `issuer` must be a PeerID (26 characters of A-Z and 2-7)");
  }

  @Test
  void from_issuerPeerDiffers() {
    assertParseFails("error_issuer_peer_differs.json")
        .hasMessage("field `issuer_peer` differs from `issuer`");
  }

  @Test
  void from_issuerPeerNotString() {
    assertParseFails("error_issuer_peer_not_string.json")
        .hasMessage("field `issuer_peer` must be a string");
  }

  @Test
  void from_missingGrantee() {
    assertParseFails("error_missing_grantee.json").hasMessage("missing field `grantee`");
  }

  @Test
  void from_granteeEmpty() {
    assertParseFails("error_grantee_empty.json").hasMessage("field `grantee` must not be empty");
  }

  @Test
  void from_capabilitiesNotArray() {
    assertParseFails("error_capabilities_not_array.json")
        .hasMessage("field `capabilities` must be an array of strings");
  }

  @Test
  void from_unknownCapability() {
    assertParseFails("error_unknown_capability.json")
        .hasMessage("field `capabilities`: unknown capability \"admin\"");
  }

  @Test
  void from_unknownCapabilityLongName() {
    assertParseFails("error_unknown_capability_long_name.json")
        .hasMessage("field `capabilities`: unknown capability \"" + "x".repeat(32) + "...\"");
  }

  @Test
  void from_expiresNegative() {
    assertParseFails("error_expires_negative.json")
        .hasMessage("field `expires_at_ms` must be a non-negative integer");
  }

  @Test
  void from_sigUppercase() {
    assertParseFails("error_sig_uppercase.json")
        .hasMessage("field `sig_hex` must be 128 lowercase hex characters");
  }

  @Test
  void from_sigUppercase0xPrefix() {
    assertParseFails("error_sig_uppercase_0x_prefix.json")
        .hasMessage("field `sig_hex` must be 128 lowercase hex characters");
  }

  @Test
  void from_duplicateField() {
    assertParseFails("error_duplicate_field.json").hasMessage("duplicate field `expires_at_ms`");
  }

  // --- well-formed, but not to be honoured (CapabilityToken.verify) ---

  @Test
  void from_verifyBadSignature() {
    assertVerifyFails("error_verify_bad_signature.json", Fixtures.RESPONDER, EXPIRES_AT_MS)
        .hasMessage("token signature does not verify");
  }

  @Test
  void from_wrongIssuerKey() {
    assertVerifyFails("valid_token.json", Fixtures.REQUESTER, EXPIRES_AT_MS)
        .hasMessage("issuer key does not match `issuer`");
  }

  @Test
  void from_expired() {
    assertVerifyFails("valid_token.json", Fixtures.RESPONDER, EXPIRES_AT_MS + 1)
        .hasMessage("token expired");
  }

  @Test
  void from_validCapabilityNames() {
    assertThat(List.of(Capability.values()).stream().map(Capability::wire))
        .containsExactly("session", "filetransfer", "voice", "hello", "ping");
  }
}
