package io.hsip.policygateway.hsip.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.hsip.Fixtures;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * Strict verification of the device-local EdDSA JWT (docs/protocol.md#device-local-jwt) against the
 * pinned device key (the vectors' responder), audience {@code app.example}: one fixture per rule of
 * {@link LocalJwt#verify}. Fixtures ({@code hsip/fixtures/local_jwt/}) hold the token text exactly,
 * without a trailing newline.
 */
class LocalJwtTest {

  private static final String FORMAT = "local_jwt";
  private static final String AUD = "app.example";
  private static final long IAT = 1731880000L;
  private static final long EXP = 1731880300L;

  private static String token(String name) {
    return Fixtures.text(FORMAT, name);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertVerifyFails(
      String name, long nowSeconds) {
    return assertThatThrownBy(
            () -> LocalJwt.verify(token(name), Fixtures.RESPONDER.publicKey(), AUD, nowSeconds))
        .isExactlyInstanceOf(TokenException.class);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertVerifyFails(String name) {
    return assertVerifyFails(name, IAT);
  }

  @Test
  void from_valid() throws Exception {
    LocalJwt jwt =
        LocalJwt.verify(token("valid_token.jwt"), Fixtures.RESPONDER.publicKey(), AUD, IAT);

    assertThat(jwt)
        .isEqualTo(
            new LocalJwt(Fixtures.RESPONDER.publicKey().hex(), AUD, IAT, EXP, List.of("login")));
    assertThat(LocalJwt.issue(Fixtures.RESPONDER, AUD, List.of("login"), IAT, EXP - IAT))
        .isEqualTo(token("valid_token.jwt"));
  }

  @Test
  void from_validAtExpiry() throws Exception {
    assertThat(
            LocalJwt.verify(token("valid_token.jwt"), Fixtures.RESPONDER.publicKey(), AUD, EXP)
                .exp())
        .isEqualTo(EXP);
  }

  // --- token shape ---

  @Test
  void from_tooLong() {
    assertVerifyFails("error_too_long.jwt").hasMessage("token longer than 8192 characters");
  }

  @Test
  void from_twoParts() {
    assertVerifyFails("error_two_parts.jwt")
        .hasMessage("token must have three dot-separated parts");
  }

  @Test
  void from_fourParts() {
    assertVerifyFails("error_four_parts.jwt")
        .hasMessage("token must have three dot-separated parts");
  }

  @Test
  void from_emptyParts() {
    assertVerifyFails("error_empty_parts.jwt").hasMessage("token header: empty JSON document");
  }

  @Test
  void from_headerPadded() {
    assertVerifyFails("error_header_padded.jwt")
        .hasMessage("token header must be unpadded base64url");
  }

  @Test
  void from_headerNotBase64url() {
    assertVerifyFails("error_header_not_base64url.jwt")
        .hasMessage("token header is not valid base64url");
  }

  // --- header ---

  @Test
  void from_headerNotJson() {
    assertVerifyFails("error_header_not_json.jwt")
        .hasMessage("token header: malformed JSON at line 1, column 1");
  }

  @Test
  void from_algMissing() {
    assertVerifyFails("error_alg_missing.jwt").hasMessage("token header: missing field `alg`");
  }

  @Test
  void from_algNone() {
    assertVerifyFails("error_alg_none.jwt").hasMessage("header `alg` must be \"EdDSA\"");
  }

  @Test
  void from_kidMissing() {
    assertVerifyFails("error_kid_missing.jwt").hasMessage("token header: missing field `kid`");
  }

  @Test
  void from_kidOtherKey() {
    assertVerifyFails("error_kid_other_key.jwt")
        .hasMessage("header `kid` is not the pinned device key");
  }

  // --- signature ---

  @Test
  void from_signatureNotBase64url() {
    assertVerifyFails("error_signature_not_base64url.jwt")
        .hasMessage("token signature is not valid base64url");
  }

  @Test
  void from_signatureNotCanonical() {
    assertVerifyFails("error_signature_not_canonical.jwt")
        .hasMessage("token signature is not canonical base64url");
  }

  @Test
  void from_signatureWrongLength() {
    assertVerifyFails("error_signature_wrong_length.jwt")
        .hasMessage("token signature must be 64 bytes");
  }

  @Test
  void from_signatureDoesNotVerify() {
    assertVerifyFails("error_signature_does_not_verify.jwt")
        .hasMessage("token signature does not verify");
  }

  // --- claims (signed correctly, so only the claim rule fails) ---

  @Test
  void from_claimsNotObject() {
    assertVerifyFails("error_claims_not_object.jwt")
        .hasMessage("token claims: top-level JSON value must be an object");
  }

  @Test
  void from_issWrong() {
    assertVerifyFails("error_iss_wrong.jwt").hasMessage("claim `iss` must be \"hsip-device\"");
  }

  @Test
  void from_audWrong() {
    assertVerifyFails("error_aud_wrong.jwt").hasMessage("claim `aud` is not the expected audience");
  }

  @Test
  void from_iatMissing() {
    assertVerifyFails("error_iat_missing.jwt").hasMessage("token claims: missing field `iat`");
  }

  @Test
  void from_expNegative() {
    assertVerifyFails("error_exp_negative.jwt")
        .hasMessage("token claims: field `exp` must be a non-negative integer");
  }

  @Test
  void from_scopesNotArray() {
    assertVerifyFails("error_scopes_not_array.jwt")
        .hasMessage("token claims: field `scopes` must be an array of strings");
  }

  @Test
  void from_expired() {
    assertVerifyFails("valid_token.jwt", EXP + 1).hasMessage("token expired");
  }

  @Test
  void from_issuedInFuture() {
    assertVerifyFails("valid_token.jwt", IAT - 61).hasMessage("token issued in the future");
  }
}
