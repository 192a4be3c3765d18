package io.hsip.policygateway.hsip.session;

import io.hsip.policygateway.hsip.crypto.X25519;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The CLI-dialect handshake (docs/protocol.md#handshake): {@code E1 = 0xE1 || X25519 public (32)}
 * from the initiator, {@code E2 = 0xE2 || X25519 public (32)} back.
 *
 * <p>It is unauthenticated, as in the reference (docs/protocol.md#unauthenticated-handshake): it
 * gives confidentiality against passive observers only. Consent documents inside the session are
 * signed, which is what the gateway relies on.
 */
public final class Handshake {

  /** First byte of E1. */
  public static final byte E1 = (byte) 0xE1;

  /** First byte of E2. */
  public static final byte E2 = (byte) 0xE2;

  /** Length of E1 and E2. */
  public static final int MESSAGE_LENGTH = 1 + X25519.KEY_LENGTH;

  private Handshake() {}

  /** The initiator's side: holds its ephemeral secret until E2 arrives. */
  public static final class Initiator {
    private final byte[] ephemeralSecret;
    private final byte[] e1;

    private Initiator(byte[] ephemeralSecret) {
      this.ephemeralSecret = ephemeralSecret;
      this.e1 = message(E1, X25519.publicValue(ephemeralSecret));
    }

    /** A fresh ephemeral key. */
    public static Initiator start(SecureRandom random) {
      return new Initiator(X25519.generatePrivate(random));
    }

    /** A fixed ephemeral key, for known-answer tests only. */
    public static Initiator withEphemeral(byte[] secret) {
      return new Initiator(secret.clone());
    }

    /** The E1 datagram to send. */
    public byte[] e1() {
      return e1.clone();
    }

    /**
     * Completes the handshake from an E2 datagram. Like the reference, accepts 33 bytes or more and
     * reads the first 33.
     */
    public SessionKey finish(byte[] e2) throws HandshakeException {
      return agree(ephemeralSecret, peerPublic(e2, E2, "E2"));
    }
  }

  /** The responder's side of a completed handshake: the E2 to send and the session key. */
  public static final class Response {
    private final byte[] e2;
    private final SessionKey key;

    private Response(byte[] e2, SessionKey key) {
      this.e2 = e2;
      this.key = key;
    }

    /** The E2 datagram to send back. */
    public byte[] e2() {
      return e2.clone();
    }

    /** The session key. */
    public SessionKey key() {
      return key;
    }
  }

  /** Answers an E1 datagram with a fresh ephemeral key. */
  public static Response respond(byte[] e1, SecureRandom random) throws HandshakeException {
    return respond(e1, X25519.generatePrivate(random));
  }

  /** Answers an E1 datagram with a fixed ephemeral key, for known-answer tests only. */
  public static Response respond(byte[] e1, byte[] ephemeralSecret) throws HandshakeException {
    byte[] peer = peerPublic(e1, E1, "E1");
    SessionKey key = agree(ephemeralSecret, peer);
    return new Response(message(E2, X25519.publicValue(ephemeralSecret)), key);
  }

  /**
   * Whether a datagram looks like an E1 (the reference's listener test: byte0 0xE1, length > 32).
   */
  public static boolean isE1(byte[] datagram, int length) {
    return length >= MESSAGE_LENGTH && length <= datagram.length && datagram[0] == E1;
  }

  private static byte[] peerPublic(byte[] datagram, byte tag, String name)
      throws HandshakeException {
    if (datagram.length < MESSAGE_LENGTH) {
      throw new HandshakeException(name + " shorter than " + MESSAGE_LENGTH + " bytes");
    }
    if (datagram[0] != tag) {
      throw new HandshakeException(name + " must start with 0x" + Integer.toHexString(tag & 0xff));
    }
    return Arrays.copyOfRange(datagram, 1, MESSAGE_LENGTH);
  }

  private static SessionKey agree(byte[] secret, byte[] peerPublic) throws HandshakeException {
    byte[] shared = X25519.agree(secret, peerPublic);
    if (shared == null) {
      throw new HandshakeException("peer X25519 value has small order (all-zero shared secret)");
    }
    return SessionKey.derive(shared);
  }

  private static byte[] message(byte tag, byte[] publicValue) {
    byte[] out = new byte[MESSAGE_LENGTH];
    out[0] = tag;
    System.arraycopy(publicValue, 0, out, 1, publicValue.length);
    return out;
  }
}
