package io.hsip.policygateway.hsip.session;

import io.hsip.policygateway.hsip.crypto.AeadException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One end of a sealed session: {@code D = 0xD0 || nonce (12) || ChaCha20-Poly1305(ciphertext ||
 * tag)}, {@code nonce = tx prefix (4) || counter u64 BE}, counter from 0 (docs/protocol.md#frames).
 *
 * <p>Hardened against the reference's weaknesses while staying compatible (docs/protocol.md,
 * "Weaknesses of the reference implementation"):
 *
 * <ul>
 *   <li>Receive state (the peer's pinned prefix and the replay window) changes only after the tag
 *       verifies, so a forged frame cannot block the real peer or reopen replays.
 *   <li>A 64-frame replay window tolerates UDP reordering; the reference's strictly increasing
 *       sender is a special case.
 *   <li>A responder picks its send prefix after it has seen the initiator's and makes it differ, so
 *       the shared key never encrypts two frames under the same nonce; a frame that carries our own
 *       prefix (reflection, or an unlucky reference peer) is refused.
 * </ul>
 *
 * <p>Thread-safe: sealing and opening synchronise on the session.
 */
public final class SealedSession {

  /** First byte of a sealed frame. */
  public static final byte FRAME_TAG = (byte) 0xD0;

  /** Length of the nonce prefix. */
  public static final int PREFIX_LENGTH = 4;

  /** Header length: tag and nonce. */
  public static final int HEADER_LENGTH = 1 + 12;

  /** Smallest possible frame: header and an empty plaintext's tag. */
  public static final int MIN_FRAME_LENGTH = HEADER_LENGTH + 16;

  /** How far behind the highest accepted counter a frame may arrive. */
  public static final int REPLAY_WINDOW = 64;

  private final SessionKey key;
  private final SecureRandom random;
  private byte @Nullable [] txPrefix;
  private long txCounter;
  private boolean txExhausted;

  private byte @Nullable [] rxPrefix;

  /** Highest counter accepted so far, as an unsigned value; meaningful once rxPrefix is set. */
  private long rxHighest;

  /** Bit i set: counter rxHighest - i was accepted. */
  private long rxWindow;

  private SealedSession(SessionKey key, SecureRandom random, byte @Nullable [] txPrefix) {
    this.key = key;
    this.random = random;
    this.txPrefix = txPrefix;
  }

  /** The initiator's end: its prefix is drawn now, before anything is received. */
  public static SealedSession initiator(SessionKey key, SecureRandom random) {
    byte[] prefix = new byte[PREFIX_LENGTH];
    random.nextBytes(prefix);
    return new SealedSession(key, random, prefix);
  }

  /** The responder's end: its prefix is drawn at the first seal, different from the peer's. */
  public static SealedSession responder(SessionKey key, SecureRandom random) {
    return new SealedSession(key, random, null);
  }

  /** An end with a fixed send prefix, for known-answer tests only. */
  public static SealedSession withTxPrefix(SessionKey key, byte[] prefix) {
    if (prefix.length != PREFIX_LENGTH) {
      throw new IllegalArgumentException("prefix must be 4 bytes");
    }
    return new SealedSession(key, new SecureRandom(), prefix.clone());
  }

  /** Seals one frame; the counter advances by one. */
  public synchronized byte[] seal(FrameType type, byte[] plaintext) {
    if (txExhausted) {
      throw new IllegalStateException("send counter exhausted; start a new session");
    }
    byte[] prefix = txPrefix();
    byte[] nonce = nonce(prefix, txCounter);
    byte[] sealed = key.aead().seal(nonce, plaintext, type.aad());
    if (txCounter == -1L) {
      txExhausted = true;
    }
    txCounter++;
    byte[] frame = new byte[HEADER_LENGTH + sealed.length];
    frame[0] = FRAME_TAG;
    System.arraycopy(nonce, 0, frame, 1, nonce.length);
    System.arraycopy(sealed, 0, frame, HEADER_LENGTH, sealed.length);
    return frame;
  }

  /** Opens one frame of the expected type; replay state advances only if it authenticates. */
  public byte[] open(byte[] datagram, FrameType type) throws FrameException {
    return open(datagram, datagram.length, type);
  }

  /** Opens the first {@code length} bytes of {@code datagram}. */
  public synchronized byte[] open(byte[] datagram, int length, FrameType type)
      throws FrameException {
    if (length < 0 || length > datagram.length) {
      throw new IllegalArgumentException("length " + length + " outside the datagram buffer");
    }
    if (length < MIN_FRAME_LENGTH) {
      throw new FrameException("frame shorter than " + MIN_FRAME_LENGTH + " bytes");
    }
    if (datagram[0] != FRAME_TAG) {
      throw new FrameException(
          "not a sealed frame (first byte 0x" + Integer.toHexString(datagram[0] & 0xff) + ")");
    }
    byte[] prefix = Arrays.copyOfRange(datagram, 1, 1 + PREFIX_LENGTH);
    long counter = ByteBuffer.wrap(datagram, 1 + PREFIX_LENGTH, 8).getLong();
    if (rxPrefix != null && !Arrays.equals(prefix, 0, PREFIX_LENGTH, rxPrefix, 0, PREFIX_LENGTH)) {
      throw new FrameException("nonce prefix differs from the peer's");
    }
    if (txPrefix != null && Arrays.equals(prefix, 0, PREFIX_LENGTH, txPrefix, 0, PREFIX_LENGTH)) {
      throw new FrameException("nonce prefix equals our own (reflected frame or nonce reuse)");
    }
    if (rxPrefix != null) {
      checkReplay(counter);
    }
    byte[] nonce = Arrays.copyOfRange(datagram, 1, HEADER_LENGTH);
    byte[] sealed = Arrays.copyOfRange(datagram, HEADER_LENGTH, length);
    byte[] plaintext;
    try {
      plaintext = key.aead().open(nonce, sealed, type.aad());
    } catch (AeadException e) {
      throw new FrameException("authentication failed");
    }
    acceptCounter(prefix, counter);
    return plaintext;
  }

  private void checkReplay(long counter) throws FrameException {
    if (Long.compareUnsigned(counter, rxHighest) > 0) {
      return;
    }
    long behind = rxHighest - counter;
    if (Long.compareUnsigned(behind, REPLAY_WINDOW) >= 0) {
      throw new FrameException("counter too old (outside the replay window)");
    }
    if ((rxWindow & (1L << behind)) != 0) {
      throw new FrameException("replayed counter");
    }
  }

  private void acceptCounter(byte[] prefix, long counter) {
    if (rxPrefix == null) {
      rxPrefix = prefix;
      rxHighest = counter;
      rxWindow = 1L;
      return;
    }
    if (Long.compareUnsigned(counter, rxHighest) > 0) {
      long shift = counter - rxHighest;
      rxWindow = Long.compareUnsigned(shift, REPLAY_WINDOW) >= 0 ? 0 : rxWindow << shift;
      rxWindow |= 1L;
      rxHighest = counter;
    } else {
      rxWindow |= 1L << (rxHighest - counter);
    }
  }

  private byte[] txPrefix() {
    if (txPrefix == null) {
      byte[] prefix = new byte[PREFIX_LENGTH];
      do {
        random.nextBytes(prefix);
      } while (rxPrefix != null
          && Arrays.equals(prefix, 0, PREFIX_LENGTH, rxPrefix, 0, PREFIX_LENGTH));
      txPrefix = prefix;
    }
    return txPrefix;
  }

  private static byte[] nonce(byte[] prefix, long counter) {
    return ByteBuffer.allocate(12).put(prefix).putLong(counter).array();
  }
}
