package io.hsip.policygateway.hsip.transparency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Wrapping subject keys under the key-encryption key: bound to the row and to the KEK. */
class SubjectKekTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] REF = SubjectKey.reference("I4MLJTQWUZ66GBMNYEP75Z2QSD");

  @Test
  void aWrappedKeyOpensOnlyForItsRowUnderItsKek() {
    SubjectKek kek = SubjectKek.generate(RANDOM).kek();
    SubjectKey key = SubjectKey.generate(RANDOM);
    byte[] wrapped = kek.wrap(REF, key, RANDOM);

    assertThat(wrapped).hasSize(SubjectKek.WRAPPED_LENGTH);
    assertThat(contains(wrapped, key.toBytes())).isFalse();
    assertThat(kek.unwrap(REF, kek.id(), wrapped).toBytes()).isEqualTo(key.toBytes());
    // Moved to another subject's row: refused, not a wrong key.
    assertThatThrownBy(
            () -> kek.unwrap(SubjectKey.reference("AB3C3OQDGHS4Z6ZGMG4UWWSML3"), kek.id(), wrapped))
        .isInstanceOf(SubjectKek.UnwrapException.class)
        .hasMessageContaining("does not authenticate");
    // Altered: refused.
    byte[] altered = wrapped.clone();
    altered[20] ^= 1;
    assertThatThrownBy(() -> kek.unwrap(REF, kek.id(), altered))
        .isInstanceOf(SubjectKek.UnwrapException.class);
  }

  @Test
  void anotherKekIsNamedAndRefused() {
    SubjectKek kek = SubjectKek.generate(RANDOM).kek();
    SubjectKek other = SubjectKek.generate(RANDOM).kek();
    byte[] wrapped = kek.wrap(REF, SubjectKey.generate(RANDOM), RANDOM);

    assertThat(other.id()).isNotEqualTo(kek.id()).matches("kek-[0-9a-f]{16}");
    assertThatThrownBy(() -> other.unwrap(REF, kek.id(), wrapped))
        .isInstanceOf(SubjectKek.UnwrapException.class)
        .hasMessage(
            "the subject key was wrapped under key-encryption key "
                + kek.id()
                + ", but the loaded key-encryption key is "
                + other.id());
    // Even claiming its own id, the other KEK cannot open it.
    assertThatThrownBy(() -> other.unwrap(REF, other.id(), wrapped))
        .isInstanceOf(SubjectKek.UnwrapException.class)
        .hasMessageContaining("does not authenticate");
  }

  @Test
  void theFileIsBase64OfThirtyTwoBytesAndTheIdIsStable() {
    SubjectKek.Generated generated = SubjectKek.generate(RANDOM);
    SubjectKek parsed =
        SubjectKek.parse(("  " + generated.fileContent() + "\n").getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.id()).isEqualTo(generated.kek().id());
    assertThat(generated.toString()).doesNotContain(generated.fileContent().strip());
    assertThat(parsed.toString()).isEqualTo("SubjectKek[" + parsed.id() + "]");

    assertThatThrownBy(() -> SubjectKek.parse("not base64!".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not Base64");
    String short16 = Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> SubjectKek.parse(short16.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the subject key-encryption key file must hold exactly 32 bytes in Base64, not 16");
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return true;
      }
    }
    return false;
  }
}
