package io.hsip.policygateway.hsip.keys;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.hsip.Fixtures;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyRevocation#verify} refuses every record {@link KeyRevocation#sign} would refuse to
 * produce. The format signs the raw reason with no domain label, so without these rules any text
 * the key ever signed (a consent string, say) verifies as a revocation once its last 8 bytes are
 * read as {@code ts_ms}. Fixtures: {@code hsip/fixtures/key_revocation/}; every {@code error_*}
 * record except {@code error_bad_signature} carries a valid signature over its own bytes, so only
 * the named rule refuses it.
 */
class KeyRevocationTest {

  private static final String FORMAT = "key_revocation";

  private static KeyRevocation record(String name) {
    try {
      JsonNode json = ObjectMappers.standard().readTree(Fixtures.bytes(FORMAT, name));
      return new KeyRevocation(
          json.get("peer_id").asText(),
          json.get("reason").asText(),
          json.get("ts_ms").asLong(),
          json.get("sig_hex").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertVerifyFails(String name) {
    KeyRevocation revocation = record(name);
    return assertThatThrownBy(() -> revocation.verify(Fixtures.REQUESTER.publicKey()))
        .isExactlyInstanceOf(InvalidSignatureException.class);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertSignFails(
      String reason, long tsMs) {
    return assertThatThrownBy(() -> KeyRevocation.sign(Fixtures.REQUESTER, reason, tsMs))
        .isExactlyInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void from_valid() {
    assertThatCode(() -> record("valid_revocation.json").verify(Fixtures.REQUESTER.publicKey()))
        .doesNotThrowAnyException();
  }

  @Test
  void from_peerIdDiffers() {
    assertVerifyFails("error_peer_id_differs.json").hasMessage("revocation is for another PeerID");
  }

  @Test
  void from_reasonEmpty() {
    assertVerifyFails("error_reason_empty.json").hasMessage("revocation reason must not be empty");
    assertSignFails("", 1L).hasMessage("revocation reason must not be empty");
  }

  @Test
  void from_reasonTooLong() {
    assertVerifyFails("error_reason_too_long.json")
        .hasMessage("revocation reason must be at most 200 characters");
    assertSignFails("x".repeat(201), 1L)
        .hasMessage("revocation reason must be at most 200 characters");
  }

  @Test
  void from_reasonHasPipe() {
    assertVerifyFails("error_reason_has_pipe.json")
        .hasMessage("revocation reason must not contain '|'");
    assertSignFails("a|b", 1L).hasMessage("revocation reason must not contain '|'");
  }

  @Test
  void from_reasonControlCharacter() {
    assertVerifyFails("error_reason_control_character.json")
        .hasMessage("revocation reason must not contain control characters");
    assertSignFails("a\u007fb", 1L)
        .hasMessage("revocation reason must not contain control characters");
  }

  @Test
  void from_tsNegative() {
    assertVerifyFails("error_ts_negative.json")
        .hasMessage("revocation ts_ms must be between 0 and 253402300799999 (year 9999)");
    assertSignFails("rotation", -1L)
        .hasMessage("revocation ts_ms must be between 0 and 253402300799999 (year 9999)");
  }

  @Test
  void from_tsAfterYear9999() {
    assertVerifyFails("error_ts_after_year_9999.json")
        .hasMessage("revocation ts_ms must be between 0 and 253402300799999 (year 9999)");
    assertSignFails("rotation", 253_402_300_800_000L)
        .hasMessage("revocation ts_ms must be between 0 and 253402300799999 (year 9999)");
  }

  @Test
  void from_sigUppercase() {
    assertVerifyFails("error_sig_uppercase.json")
        .hasMessage("signature must be 128 lowercase hex characters");
  }

  @Test
  void from_badSignature() {
    assertVerifyFails("error_bad_signature.json").hasMessage("signature does not verify");
  }
}
