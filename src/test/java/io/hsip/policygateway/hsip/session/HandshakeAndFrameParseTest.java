package io.hsip.policygateway.hsip.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.hsip.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * Strict parsing of the CLI-dialect handshake and sealed frames
 * (docs/protocol.md#sealed-sessions-cli-dialect): one fixture per rule of {@link Handshake} (E1/E2)
 * and {@link SealedSession#open}. Fixtures ({@code hsip/fixtures/session/}) are datagrams as hex,
 * one per line; a frame fixture of several lines is opened in order by one receiving session, and
 * only its last frame may fail.
 *
 * <p>Keys and prefixes are the vectors' ({@code session_cli_dialect}): X25519 secrets {@code
 * 41..60} (initiator) and {@code 61..80} (responder); the initiator sends with prefix {@code
 * a1b2c3d4} and the receiving responder sends with {@code c0ffee01}. Every frame is a DATA frame
 * carrying {@code "hello hsip"}.
 */
class HandshakeAndFrameParseTest {

  private static final String FORMAT = "session";
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] INITIATOR_SECRET =
      HEX.parseHex("4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60");
  private static final byte[] RESPONDER_SECRET =
      HEX.parseHex("6162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f80");
  private static final byte[] RESPONDER_PREFIX = HEX.parseHex("c0ffee01");
  private static final byte[] PLAINTEXT = "hello hsip".getBytes(StandardCharsets.US_ASCII);

  private static byte[] datagram(String name) {
    return Fixtures.hex(FORMAT, name);
  }

  /** The responder's end of the vectors' session, as receiver of the initiator's frames. */
  private static SealedSession receiver() throws HandshakeException {
    return SealedSession.withTxPrefix(
        Handshake.respond(datagram("valid_e1.hex"), RESPONDER_SECRET).key(), RESPONDER_PREFIX);
  }

  /** Opens every frame of a fixture in order; returns the last plaintext. */
  private static byte[] openAll(SealedSession session, String name) throws FrameException {
    List<byte[]> frames = Fixtures.hexLines(FORMAT, name);
    byte[] plaintext = new byte[0];
    for (byte[] frame : frames) {
      plaintext = session.open(frame, FrameType.DATA);
    }
    return plaintext;
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertOpenFails(String name) {
    return assertThatThrownBy(() -> openAll(receiver(), name))
        .isExactlyInstanceOf(FrameException.class);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRespondFails(String name) {
    return assertThatThrownBy(() -> Handshake.respond(datagram(name), RESPONDER_SECRET))
        .isExactlyInstanceOf(HandshakeException.class);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertFinishFails(String name) {
    return assertThatThrownBy(
            () -> Handshake.Initiator.withEphemeral(INITIATOR_SECRET).finish(datagram(name)))
        .isExactlyInstanceOf(HandshakeException.class);
  }

  // --- handshake ---

  @Test
  void from_validE1() throws Exception {
    assertThat(Handshake.Initiator.withEphemeral(INITIATOR_SECRET).e1())
        .isEqualTo(datagram("valid_e1.hex"));
    assertThat(Handshake.respond(datagram("valid_e1.hex"), RESPONDER_SECRET).e2())
        .isEqualTo(datagram("valid_e2.hex"));
  }

  @Test
  void from_validE1TrailingBytes() throws Exception {
    SessionKey key =
        Handshake.respond(datagram("valid_e1_trailing_bytes.hex"), RESPONDER_SECRET).key();

    assertThat(
            SealedSession.withTxPrefix(key, RESPONDER_PREFIX)
                .open(datagram("valid_data_frame.hex"), FrameType.DATA))
        .isEqualTo(PLAINTEXT);
  }

  @Test
  void from_validE2() throws Exception {
    SessionKey key =
        Handshake.Initiator.withEphemeral(INITIATOR_SECRET).finish(datagram("valid_e2.hex"));

    assertThat(
            SealedSession.withTxPrefix(key, RESPONDER_PREFIX)
                .open(datagram("valid_data_frame.hex"), FrameType.DATA))
        .isEqualTo(PLAINTEXT);
  }

  @Test
  void from_e1TooShort() {
    assertRespondFails("error_e1_too_short.hex").hasMessage("E1 shorter than 33 bytes");
  }

  @Test
  void from_e1WrongTag() {
    assertRespondFails("error_e1_wrong_tag.hex").hasMessage("E1 must start with 0xe1");
  }

  @Test
  void from_e1SmallOrder() {
    assertRespondFails("error_e1_small_order.hex")
        .hasMessage("peer X25519 value has small order (all-zero shared secret)");
  }

  @Test
  void from_e1SmallOrder8() {
    assertRespondFails("error_e1_small_order_8.hex")
        .hasMessage("peer X25519 value has small order (all-zero shared secret)");
  }

  @Test
  void from_e2TooShort() {
    assertFinishFails("error_e2_too_short.hex").hasMessage("E2 shorter than 33 bytes");
  }

  @Test
  void from_e2WrongTag() {
    assertFinishFails("error_e2_wrong_tag.hex").hasMessage("E2 must start with 0xe2");
  }

  @Test
  void from_e2SmallOrder() {
    assertFinishFails("error_e2_small_order.hex")
        .hasMessage("peer X25519 value has small order (all-zero shared secret)");
  }

  // --- sealed frames ---

  @Test
  void from_validDataFrame() throws Exception {
    assertThat(openAll(receiver(), "valid_data_frame.hex")).isEqualTo(PLAINTEXT);
  }

  @Test
  void from_validFramesReordered() throws Exception {
    assertThat(openAll(receiver(), "valid_frames_reordered.hex")).isEqualTo(PLAINTEXT);
  }

  @Test
  void from_validFramesWindowEdge() throws Exception {
    assertThat(openAll(receiver(), "valid_frames_window_edge.hex")).isEqualTo(PLAINTEXT);
  }

  @Test
  void from_frameTooShort() {
    assertOpenFails("error_frame_too_short.hex").hasMessage("frame shorter than 29 bytes");
  }

  @Test
  void from_frameWrongTag() {
    assertOpenFails("error_frame_wrong_tag.hex").hasMessage("not a sealed frame (first byte 0xe1)");
  }

  @Test
  void from_framePrefixDiffers() {
    assertOpenFails("error_frame_prefix_differs.hex")
        .hasMessage("nonce prefix differs from the peer's");
  }

  @Test
  void from_frameOwnPrefixReflected() {
    assertOpenFails("error_frame_own_prefix_reflected.hex")
        .hasMessage("nonce prefix equals our own (reflected frame or nonce reuse)");
  }

  @Test
  void from_frameReplayedCounter() {
    assertOpenFails("error_frame_replayed_counter.hex").hasMessage("replayed counter");
  }

  @Test
  void from_frameCounterOutsideWindow() {
    assertOpenFails("error_frame_counter_outside_window.hex")
        .hasMessage("counter too old (outside the replay window)");
  }

  @Test
  void from_frameAuthenticationFailure() {
    assertOpenFails("error_frame_authentication_failure.hex").hasMessage("authentication failed");
  }

  @Test
  void from_frameWrongType() {
    assertThatThrownBy(() -> receiver().open(datagram("valid_data_frame.hex"), FrameType.CONTROL))
        .isExactlyInstanceOf(FrameException.class)
        .hasMessage("authentication failed");
  }

  @Test
  void from_frameAuthenticationFailureLeavesStateUnchanged() throws Exception {
    SealedSession session = receiver();
    assertThatThrownBy(() -> openAll(session, "error_frame_authentication_failure.hex"))
        .isExactlyInstanceOf(FrameException.class)
        .hasMessage("authentication failed");

    assertThat(openAll(session, "valid_data_frame.hex")).isEqualTo(PLAINTEXT);
    assertThatThrownBy(() -> openAll(session, "valid_data_frame.hex"))
        .isExactlyInstanceOf(FrameException.class)
        .hasMessage("replayed counter");
  }
}
