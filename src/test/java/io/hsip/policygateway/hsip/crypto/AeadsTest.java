package io.hsip.policygateway.hsip.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ChaCha20-Poly1305 through {@link Aeads}: the RFC 8439 §2.8.2 vector, and nothing released on a
 * bad tag.
 */
class AeadsTest {

  private static final HexFormat HEX = HexFormat.of();
  private static byte[] key;
  private static byte[] nonce;
  private static byte[] aad;
  private static byte[] plaintext;
  private static byte[] sealed;

  @BeforeAll
  static void load() throws IOException {
    JsonNode v;
    try (InputStream in =
        AeadsTest.class.getResourceAsStream("/hsip/vectors/rfc8439-chacha20-poly1305.json")) {
      v = new ObjectMapper().readTree(in);
    }
    key = HEX.parseHex(v.get("key_hex").textValue());
    nonce = HEX.parseHex(v.get("nonce_hex").textValue());
    aad = HEX.parseHex(v.get("aad_hex").textValue());
    plaintext = v.get("plaintext_ascii").textValue().getBytes(StandardCharsets.US_ASCII);
    sealed = HEX.parseHex(v.get("ciphertext_hex").textValue() + v.get("tag_hex").textValue());
  }

  @Test
  void seal_rfc8439Section282() {
    assertThat(plaintext).hasSize(114);
    assertThat(Aeads.chaCha20Poly1305(key).seal(nonce, plaintext, aad)).isEqualTo(sealed);
  }

  @Test
  void open_rfc8439Section282() throws AeadException {
    assertThat(Aeads.chaCha20Poly1305(key).open(nonce, sealed, aad)).isEqualTo(plaintext);
  }

  @Test
  void open_rejectsEverySingleBitFlipOfCiphertextAndTag() {
    Aead aead = Aeads.chaCha20Poly1305(key);
    for (int bit = 0; bit < sealed.length * 8; bit++) {
      byte[] tampered = sealed.clone();
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThatThrownBy(() -> aead.open(nonce, tampered, aad))
          .as("bit %d", bit)
          .isInstanceOf(AeadException.class)
          .hasMessage("authentication failed");
    }
  }

  @Test
  void open_rejectsOtherAadNonceOrKey() {
    byte[] otherAad = aad.clone();
    otherAad[0] ^= 1;
    byte[] otherNonce = nonce.clone();
    otherNonce[11] ^= 1;
    byte[] otherKey = key.clone();
    otherKey[31] ^= 1;
    assertThatThrownBy(() -> Aeads.chaCha20Poly1305(key).open(nonce, sealed, otherAad))
        .hasMessage("authentication failed");
    assertThatThrownBy(() -> Aeads.chaCha20Poly1305(key).open(nonce, sealed, new byte[0]))
        .hasMessage("authentication failed");
    assertThatThrownBy(() -> Aeads.chaCha20Poly1305(key).open(otherNonce, sealed, aad))
        .hasMessage("authentication failed");
    assertThatThrownBy(() -> Aeads.chaCha20Poly1305(otherKey).open(nonce, sealed, aad))
        .hasMessage("authentication failed");
  }

  @Test
  void open_rejectsTruncation() {
    Aead aead = Aeads.chaCha20Poly1305(key);
    for (int length = 0; length < sealed.length; length++) {
      byte[] truncated = Arrays.copyOf(sealed, length);
      assertThatThrownBy(() -> aead.open(nonce, truncated, aad))
          .as("length %d", length)
          .isInstanceOf(AeadException.class)
          .hasMessage("authentication failed");
    }
  }

  @Test
  void create_rejectsWrongKeyAndNonceLengths() {
    assertThatThrownBy(() -> Aeads.chaCha20Poly1305(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ChaCha20-Poly1305 key must be 32 bytes");
    assertThatThrownBy(() -> Aeads.chaCha20Poly1305(key).seal(new byte[8], plaintext, aad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ChaCha20-Poly1305 nonce must be 12 bytes");
  }

  @Test
  void emptyPlaintext_roundTrips() throws AeadException {
    Aead aead = Aeads.chaCha20Poly1305(key);
    byte[] tagOnly = aead.seal(nonce, new byte[0], aad);
    assertThat(tagOnly).hasSize(Aead.TAG_LENGTH);
    assertThat(aead.open(nonce, tagOnly, aad)).isEmpty();
  }
}
