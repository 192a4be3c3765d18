package io.hsip.policygateway.hsip.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sealed frames (docs/protocol.md#frames), hardened as
 * docs/protocol.md#replay-state-advanced-before-authentication and #one-key-for-both-directions
 * describe: a 64-frame replay window, receive state that only authenticated frames can change, and
 * a responder prefix that never equals the initiator's.
 */
class SealedSessionTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();

  private SessionKey initiatorKey;
  private SessionKey responderKey;

  @BeforeEach
  void handshake() throws HandshakeException {
    Handshake.Initiator initiator = Handshake.Initiator.start(RANDOM);
    Handshake.Response response = Handshake.respond(initiator.e1(), RANDOM);
    initiatorKey = initiator.finish(response.e2());
    responderKey = response.key();
  }

  // ---- replay window ----

  @Test
  void open_acceptsReorderedFramesWithinTheWindowOnce() throws FrameException {
    SealedSession sender = SealedSession.initiator(initiatorKey, RANDOM);
    SealedSession receiver = SealedSession.responder(responderKey, RANDOM);
    List<byte[]> frames = seal(sender, 64);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(42));
    for (int i : order) {
      assertThat(receiver.open(frames.get(i), FrameType.DATA)).isEqualTo(payload(i));
    }
    for (int i : order) {
      assertThatThrownBy(() -> receiver.open(frames.get(i), FrameType.DATA))
          .as("frame %d again", i)
          .isInstanceOf(FrameException.class)
          .hasMessage("replayed counter");
    }
  }

  @Test
  void open_windowEdges() throws FrameException {
    SealedSession sender = SealedSession.initiator(initiatorKey, RANDOM);
    SealedSession receiver = SealedSession.responder(responderKey, RANDOM);
    List<byte[]> frames = seal(sender, 200);
    receiver.open(frames.get(70), FrameType.DATA);
    // 63 behind the highest is the oldest still inside the window; 64 behind is outside.
    receiver.open(frames.get(7), FrameType.DATA);
    assertThatThrownBy(() -> receiver.open(frames.get(6), FrameType.DATA))
        .isInstanceOf(FrameException.class)
        .hasMessage("counter too old (outside the replay window)");
    assertThatThrownBy(() -> receiver.open(frames.get(0), FrameType.DATA))
        .hasMessage("counter too old (outside the replay window)");
    assertThatThrownBy(() -> receiver.open(frames.get(7), FrameType.DATA))
        .hasMessage("replayed counter");
    assertThatThrownBy(() -> receiver.open(frames.get(70), FrameType.DATA))
        .hasMessage("replayed counter");
    // A jump of 64 or more clears the window: everything before the new highest - 63 is now too
    // old.
    receiver.open(frames.get(199), FrameType.DATA);
    receiver.open(frames.get(136), FrameType.DATA);
    assertThatThrownBy(() -> receiver.open(frames.get(135), FrameType.DATA))
        .hasMessage("counter too old (outside the replay window)");
    assertThatThrownBy(() -> receiver.open(frames.get(71), FrameType.DATA))
        .hasMessage("counter too old (outside the replay window)");
    // A small jump shifts the window and keeps what it already holds.
    receiver.open(frames.get(150), FrameType.DATA);
    assertThatThrownBy(() -> receiver.open(frames.get(136), FrameType.DATA))
        .hasMessage("replayed counter");
  }

  @Test
  void open_strictlyIncreasingReferenceSenderNeverTripsTheWindow() throws FrameException {
    SealedSession sender = SealedSession.initiator(initiatorKey, RANDOM);
    SealedSession receiver = SealedSession.responder(responderKey, RANDOM);
    for (byte[] frame : seal(sender, 300)) {
      receiver.open(frame, FrameType.DATA);
    }
  }

  // ---- forged frames do not change receive state ----

  @Test
  void open_forgedFramesBeforeTheFirstRealOneDoNotPinAPrefix() throws FrameException {
    SealedSession sender = SealedSession.initiator(initiatorKey, RANDOM);
    SealedSession receiver = SealedSession.responder(responderKey, RANDOM);
    byte[] real = sender.seal(FrameType.CONTROL, payload(0));
    // The reference pins the prefix of whatever frame comes first; a forged one must not.
    for (byte[] forged : forgeries(real)) {
      assertThatThrownBy(() -> receiver.open(forged, FrameType.CONTROL))
          .as(HEX.formatHex(forged))
          .isInstanceOf(FrameException.class)
          .hasMessage("authentication failed");
    }
    assertThat(receiver.open(real, FrameType.CONTROL)).isEqualTo(payload(0));
  }

  @Test
  void open_forgedFramesLaterDoNotAdvanceOrWrapTheCounter() throws FrameException {
    SealedSession sender = SealedSession.initiator(initiatorKey, RANDOM);
    SealedSession receiver = SealedSession.responder(responderKey, RANDOM);
    List<byte[]> frames = seal(sender, 10);
    receiver.open(frames.get(0), FrameType.DATA);
    receiver.open(frames.get(1), FrameType.DATA);
    byte[] next = frames.get(2);
    for (byte[] forged : forgeries(next)) {
      assertThatThrownBy(() -> receiver.open(forged, FrameType.DATA))
          .as(HEX.formatHex(forged))
          .isInstanceOf(FrameException.class);
    }
    // After a forged counter of 2^64 - 1 the reference would wrap to 0 and reopen every replay.
    assertThatThrownBy(() -> receiver.open(frames.get(1), FrameType.DATA))
        .hasMessage("replayed counter");
    // The real peer carries on, including a frame that arrives out of order.
    receiver.open(frames.get(3), FrameType.DATA);
    assertThat(receiver.open(next, FrameType.DATA)).isEqualTo(payload(2));
    for (int i = 4; i < 10; i++) {
      receiver.open(frames.get(i), FrameType.DATA);
    }
  }

  @Test
  void open_otherPrefixAfterPinningIsRefusedWithoutStateChange() throws FrameException {
    SealedSession sender = SealedSession.initiator(initiatorKey, RANDOM);
    SealedSession receiver = SealedSession.responder(responderKey, RANDOM);
    List<byte[]> frames = seal(sender, 3);
    receiver.open(frames.get(0), FrameType.DATA);
    // A genuine frame of this key from another sender (another prefix) after the peer's prefix is
    // pinned.
    SealedSession intruder = SealedSession.initiator(initiatorKey, RANDOM);
    byte[] other = intruder.seal(FrameType.DATA, payload(9));
    assertThatThrownBy(() -> receiver.open(other, FrameType.DATA))
        .isInstanceOf(FrameException.class)
        .hasMessage("nonce prefix differs from the peer's");
    receiver.open(frames.get(1), FrameType.DATA);
    receiver.open(frames.get(2), FrameType.DATA);
  }

  @Test
  void open_wrongFrameTypeIsAnAuthenticationFailureWithoutStateChange() throws FrameException {
    SealedSession sender = SealedSession.initiator(initiatorKey, RANDOM);
    SealedSession receiver = SealedSession.responder(responderKey, RANDOM);
    byte[] data = sender.seal(FrameType.DATA, payload(0));
    assertThatThrownBy(() -> receiver.open(data, FrameType.CONTROL))
        .isInstanceOf(FrameException.class)
        .hasMessage("authentication failed");
    assertThatThrownBy(() -> receiver.open(data, FrameType.PING))
        .hasMessage("authentication failed");
    assertThat(receiver.open(data, FrameType.DATA)).isEqualTo(payload(0));
    byte[] ping = sender.seal(FrameType.PING, payload(1));
    assertThatThrownBy(() -> receiver.open(ping, FrameType.DATA))
        .hasMessage("authentication failed");
    assertThat(receiver.open(ping, FrameType.PING)).isEqualTo(payload(1));
  }

  @Test
  void open_structuralRulesHaveExactMessages() {
    SealedSession receiver = SealedSession.responder(responderKey, RANDOM);
    assertThatThrownBy(() -> receiver.open(new byte[28], FrameType.DATA))
        .isInstanceOf(FrameException.class)
        .hasMessage("frame shorter than 29 bytes");
    byte[] notAFrame = new byte[40];
    notAFrame[0] = (byte) 0xE1;
    assertThatThrownBy(() -> receiver.open(notAFrame, FrameType.DATA))
        .hasMessage("not a sealed frame (first byte 0xe1)");
  }

  // ---- prefixes ----

  @Test
  void responder_picksAPrefixOtherThanTheInitiatorsEvenWhenItsRandomCollides()
      throws FrameException {
    for (int session = 0; session < 2_000; session++) {
      byte[] initiatorPrefix = new byte[SealedSession.PREFIX_LENGTH];
      RANDOM.nextBytes(initiatorPrefix);
      SealedSession initiator = SealedSession.withTxPrefix(initiatorKey, initiatorPrefix);
      // The responder's random returns the initiator's prefix first (twice), then something else.
      ScriptedRandom random = new ScriptedRandom(initiatorPrefix, initiatorPrefix);
      SealedSession responder = SealedSession.responder(responderKey, random);
      responder.open(initiator.seal(FrameType.CONTROL, payload(session)), FrameType.CONTROL);
      byte[] reply = responder.seal(FrameType.CONTROL, payload(session));
      assertThat(prefixOf(reply)).as("session %d", session).isNotEqualTo(initiatorPrefix);
      assertThat(random.draws).isEqualTo(3);
      assertThat(initiator.open(reply, FrameType.CONTROL)).isEqualTo(payload(session));
      // The prefix is fixed once drawn.
      assertThat(prefixOf(responder.seal(FrameType.CONTROL, payload(0))))
          .isEqualTo(prefixOf(reply));
    }
  }

  @Test
  void open_refusesReflectedOwnFrames() throws FrameException {
    SealedSession initiator = SealedSession.initiator(initiatorKey, RANDOM);
    SealedSession responder = SealedSession.responder(responderKey, RANDOM);
    byte[] request = initiator.seal(FrameType.CONTROL, payload(1));
    // Reflected back to its sender before anything else arrived: same key, valid tag, own prefix.
    assertThatThrownBy(() -> initiator.open(request, FrameType.CONTROL))
        .isInstanceOf(FrameException.class)
        .hasMessage("nonce prefix equals our own (reflected frame or nonce reuse)");
    responder.open(request, FrameType.CONTROL);
    byte[] reply = responder.seal(FrameType.CONTROL, payload(2));
    assertThat(initiator.open(reply, FrameType.CONTROL)).isEqualTo(payload(2));
    // A responder that sealed before it heard anything refuses its own frame coming back too.
    SealedSession early = SealedSession.responder(responderKey, RANDOM);
    byte[] own = early.seal(FrameType.DATA, payload(3));
    assertThatThrownBy(() -> early.open(own, FrameType.DATA))
        .hasMessage("nonce prefix equals our own (reflected frame or nonce reuse)");
  }

  @Test
  void open_refusesAReferencePeerWhosePrefixCollidesWithOurs() throws FrameException {
    byte[] prefix = HEX.parseHex("a1b2c3d4");
    SealedSession us = SealedSession.withTxPrefix(initiatorKey, prefix);
    SealedSession unluckyPeer = SealedSession.withTxPrefix(responderKey, prefix);
    byte[] frame = unluckyPeer.seal(FrameType.CONTROL, payload(0));
    // Opening it would mean two frames under one (key, nonce) exist: refuse rather than rely on it.
    assertThatThrownBy(() -> us.open(frame, FrameType.CONTROL))
        .hasMessage("nonce prefix equals our own (reflected frame or nonce reuse)");
  }

  @Test
  void seal_countsFromZeroWithTheFixedPrefix() {
    SealedSession sender = SealedSession.withTxPrefix(initiatorKey, HEX.parseHex("c0ffee01"));
    for (int i = 0; i < 3; i++) {
      byte[] frame = sender.seal(FrameType.DATA, new byte[0]);
      assertThat(frame).hasSize(SealedSession.MIN_FRAME_LENGTH);
      assertThat(HEX.formatHex(Arrays.copyOfRange(frame, 0, SealedSession.HEADER_LENGTH)))
          .isEqualTo("d0c0ffee01" + String.format("%016x", i));
    }
  }

  // ---- helpers ----

  private static List<byte[]> seal(SealedSession sender, int count) {
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      frames.add(sender.seal(FrameType.DATA, payload(i)));
    }
    return frames;
  }

  private static byte[] payload(int i) {
    return ("frame " + i).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] prefixOf(byte[] frame) {
    return Arrays.copyOfRange(frame, 1, 1 + SealedSession.PREFIX_LENGTH);
  }

  /**
   * Unauthentic variants of a real frame: a flipped tag bit, a flipped ciphertext bit, a foreign
   * prefix, a huge counter (2^64 - 1 and 2^63), a counter far ahead, and random bytes with the real
   * header.
   */
  private static List<byte[]> forgeries(byte[] real) {
    List<byte[]> out = new ArrayList<>();
    byte[] badTag = real.clone();
    badTag[badTag.length - 1] ^= 0x01;
    out.add(badTag);
    byte[] badCiphertext = real.clone();
    badCiphertext[SealedSession.HEADER_LENGTH] ^= (byte) 0x80;
    out.add(badCiphertext);
    byte[] otherPrefix = real.clone();
    otherPrefix[1] ^= 0x55;
    out.add(otherPrefix);
    for (long counter : new long[] {-1L, Long.MIN_VALUE, 1_000_000L}) {
      byte[] forged = real.clone();
      ByteBuffer.wrap(forged, 1 + SealedSession.PREFIX_LENGTH, 8).putLong(counter);
      out.add(forged);
    }
    byte[] garbage = new byte[real.length];
    RANDOM.nextBytes(garbage);
    System.arraycopy(real, 0, garbage, 0, SealedSession.HEADER_LENGTH);
    out.add(garbage);
    byte[] garbageMaxCounter = garbage.clone();
    ByteBuffer.wrap(garbageMaxCounter, 1 + SealedSession.PREFIX_LENGTH, 8).putLong(-1L);
    out.add(garbageMaxCounter);
    return out;
  }

  /** A SecureRandom that hands out scripted values first, then real randomness. */
  private static final class ScriptedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final Deque<byte[]> script = new ArrayDeque<>();
    int draws;

    ScriptedRandom(byte[]... values) {
      for (byte[] v : values) {
        script.add(v.clone());
      }
    }

    @Override
    public synchronized void nextBytes(byte[] bytes) {
      draws++;
      byte[] next = script.poll();
      if (next != null && next.length == bytes.length) {
        System.arraycopy(next, 0, bytes, 0, bytes.length);
      } else {
        RANDOM.nextBytes(bytes);
      }
    }
  }
}
