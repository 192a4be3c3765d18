package io.hsip.policygateway.hsip.transparency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.hsip.Fixtures;
import io.hsip.policygateway.hsip.Sha256;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The signed-checkpoint format, strictly: one {@code error_<rule>} fixture per failure mode, each
 * with its exact message (one fixture per rule, after sigstore-java's CheckpointsTest). The
 * fixtures are signed by the vectors' responder key ({@link Fixtures#RESPONDER}); {@code
 * error_key_id_mismatch} by the requester key.
 */
class CheckpointsTest {

  private static final Ed25519PublicKey GATEWAY = Fixtures.RESPONDER.publicKey();

  private static Checkpoint parse(String fixture) throws CheckpointParseException {
    return Checkpoints.parse(Fixtures.bytes("checkpoint", fixture), GATEWAY);
  }

  @Test
  void from_valid() throws CheckpointParseException {
    Checkpoint checkpoint = parse("valid_checkpoint.txt");
    assertThat(checkpoint.origin()).isEqualTo("hsip.io/policy-gateway/audit");
    assertThat(checkpoint.treeSize()).isEqualTo(42);
    assertThat(checkpoint.rootHash())
        .isEqualTo(Sha256.of("fixture root".getBytes(StandardCharsets.UTF_8)));
    assertThat(checkpoint.timeMs()).isEqualTo(1_764_115_200_000L);
  }

  @Test
  void from_validEmptyTree() throws CheckpointParseException {
    Checkpoint checkpoint = parse("valid_empty_tree.txt");
    assertThat(checkpoint.treeSize()).isZero();
    assertThat(checkpoint.rootHash()).isEqualTo(TreeHasher.emptyRoot());
  }

  @Test
  void signingThenParsingRoundTripsExactly() throws CheckpointParseException {
    Checkpoint checkpoint = Checkpoint.create("example.org/log", 7, TreeHasher.emptyRoot(), 123);
    String note = Checkpoints.sign(checkpoint, Fixtures.RESPONDER);
    assertThat(Checkpoints.parse(note.getBytes(StandardCharsets.UTF_8), GATEWAY))
        .isEqualTo(checkpoint);
    assertThat(note)
        .isEqualTo(
            checkpoint.body()
                + "\n\u2014 example.org/log "
                + note.substring(note.lastIndexOf(' ') + 1));
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("error_too_large.txt", "checkpoint is larger than 1024 bytes"),
        Arguments.of("error_not_utf8.txt", "checkpoint is not valid UTF-8"),
        Arguments.of(
            "error_control_character.txt",
            "checkpoint contains a control character other than newline"),
        Arguments.of("error_no_final_newline.txt", "checkpoint does not end with a newline"),
        Arguments.of(
            "error_no_blank_line.txt", "checkpoint has no blank line between body and signature"),
        Arguments.of("error_body_too_short.txt", "checkpoint body has 3 lines, expected 4"),
        Arguments.of("error_extra_body_line.txt", "checkpoint body has an unexpected line 5"),
        Arguments.of(
            "error_origin_has_space.txt",
            "checkpoint origin must be 1-255 printable ASCII characters without spaces or '+'"),
        Arguments.of(
            "error_size_not_decimal.txt", "checkpoint tree size `4x` is not a decimal number"),
        Arguments.of(
            "error_size_leading_zero.txt", "checkpoint tree size `042` has a leading zero"),
        Arguments.of(
            "error_size_out_of_range.txt",
            "checkpoint tree size `9999999999999999999` is out of range"),
        Arguments.of("error_root_not_base64.txt", "checkpoint root hash is not standard Base64"),
        Arguments.of(
            "error_root_wrong_length.txt", "checkpoint root hash is 31 bytes, expected 32"),
        Arguments.of(
            "error_root_not_padded.txt", "checkpoint root hash is not canonical padded Base64"),
        Arguments.of("error_time_line_malformed.txt", "checkpoint line 4 must be `time <unix ms>`"),
        Arguments.of(
            "error_time_not_decimal.txt",
            "checkpoint time `17641152000OO` is not a decimal number"),
        Arguments.of("error_no_signature.txt", "checkpoint has no signature line"),
        Arguments.of("error_two_signatures.txt", "checkpoint has more than one signature line"),
        Arguments.of(
            "error_signature_no_em_dash.txt",
            "checkpoint signature line must start with an em dash and a space"),
        Arguments.of(
            "error_signature_line_malformed.txt",
            "checkpoint signature line must be `\u2014 <key name> <base64>`"),
        Arguments.of(
            "error_signature_wrong_key_name.txt",
            "checkpoint is signed by key `someone.else/log`, not by its origin"),
        Arguments.of(
            "error_signature_not_base64.txt", "checkpoint signature is not standard Base64"),
        Arguments.of(
            "error_signature_wrong_length.txt",
            "checkpoint signature is 64 bytes, expected 68 (key id and Ed25519 signature)"),
        Arguments.of(
            "error_key_id_mismatch.txt", "checkpoint key id does not match the gateway key"),
        Arguments.of(
            "error_signature_does_not_verify.txt",
            "checkpoint signature does not verify under the gateway key"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void from_error(String fixture, String message) {
    assertThatThrownBy(() -> parse(fixture))
        .isInstanceOf(CheckpointParseException.class)
        .hasMessage(message);
  }
}
