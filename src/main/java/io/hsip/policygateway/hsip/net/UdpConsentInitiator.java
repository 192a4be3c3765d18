package io.hsip.policygateway.hsip.net;

import io.hsip.policygateway.hsip.consent.ConsentParseException;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.session.FrameException;
import io.hsip.policygateway.hsip.session.FrameType;
import io.hsip.policygateway.hsip.session.Handshake;
import io.hsip.policygateway.hsip.session.HandshakeException;
import io.hsip.policygateway.hsip.session.SealedSession;
import io.hsip.policygateway.hsip.session.SessionKey;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;

/**
 * Sends one consent request to a responder and waits for its answer, as the reference's {@code
 * consent-send-request --wait-reply} does: E1, E2, a sealed CONTROL request, a sealed CONTROL
 * response.
 *
 * <p>Datagrams from any address other than the responder's, and frames that do not authenticate,
 * are ignored rather than trusted. The response is parsed but not validated: that is the caller's
 * job ({@code ConsentValidator.validateResponse}), since only the caller knows whom it meant to
 * ask.
 */
public final class UdpConsentInitiator {

  private static final int RECEIVE_BUFFER = 65_535;

  private final InetSocketAddress responder;
  private final Duration timeout;
  private final int handshakeAttempts;
  private final SecureRandom random;

  /**
   * An initiator for one responder.
   *
   * @param timeout how long to wait for each answer
   * @param handshakeAttempts how often E1 is sent before giving up (E1 is idempotent)
   */
  public UdpConsentInitiator(
      InetSocketAddress responder, Duration timeout, int handshakeAttempts, SecureRandom random) {
    if (responder.isUnresolved()) {
      throw new IllegalArgumentException("responder address is unresolved: " + responder);
    }
    if (handshakeAttempts < 1
        || timeout.isNegative()
        || timeout.isZero()
        || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("need at least one attempt and a positive timeout");
    }
    this.responder = responder;
    this.timeout = timeout;
    this.handshakeAttempts = handshakeAttempts;
    this.random = random;
  }

  /** Runs the exchange on a fresh socket and session. */
  public ConsentResponse exchange(ConsentRequest request)
      throws IOException, ConsentExchangeException {
    try (DatagramSocket socket = new DatagramSocket()) {
      Handshake.Initiator handshake = Handshake.Initiator.start(random);
      SessionKey key = handshake(socket, handshake);
      SealedSession session = SealedSession.initiator(key, random);
      byte[] frame =
          session.seal(FrameType.CONTROL, request.toJson().getBytes(StandardCharsets.UTF_8));
      socket.send(new DatagramPacket(frame, frame.length, responder));
      byte[] plaintext = receiveControl(socket, session);
      try {
        return ConsentResponse.parse(plaintext);
      } catch (ConsentParseException e) {
        throw new ConsentExchangeException(
            "responder sent an invalid consent response: " + e.getMessage());
      }
    }
  }

  private SessionKey handshake(DatagramSocket socket, Handshake.Initiator handshake)
      throws IOException, ConsentExchangeException {
    byte[] e1 = handshake.e1();
    for (int attempt = 0; attempt < handshakeAttempts; attempt++) {
      socket.send(new DatagramPacket(e1, e1.length, responder));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        byte[] datagram = receiveFromResponder(socket, deadline);
        if (datagram == null) {
          break;
        }
        try {
          return handshake.finish(datagram);
        } catch (HandshakeException e) {
          // Not an E2: keep waiting. (A well-formed E2 from someone who can spoof the responder's
          // address is accepted: the handshake is unauthenticated, so the exchange then times out
          // or the response's signature check fails; the caller must pin the responder key.)
        }
      }
    }
    throw new ConsentExchangeException(
        "no handshake answer (E2) from " + responder + " after " + handshakeAttempts + " attempts");
  }

  private byte[] receiveControl(DatagramSocket socket, SealedSession session)
      throws IOException, ConsentExchangeException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      byte[] datagram = receiveFromResponder(socket, deadline);
      if (datagram == null) {
        throw new ConsentExchangeException("no consent response from " + responder + " in time");
      }
      try {
        return session.open(datagram, FrameType.CONTROL);
      } catch (FrameException e) {
        // A duplicate E2, a forged or replayed frame: not the answer.
      }
    }
  }

  /** The next datagram from the responder's address before the deadline, or null on timeout. */
  private byte @org.jspecify.annotations.Nullable [] receiveFromResponder(
      DatagramSocket socket, long deadline) throws IOException {
    byte[] buffer = new byte[RECEIVE_BUFFER];
    while (true) {
      long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
      if (remainingMs <= 0) {
        return null;
      }
      socket.setSoTimeout(Math.toIntExact(Math.min(remainingMs, Integer.MAX_VALUE)));
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        return null;
      }
      if (responder.equals(packet.getSocketAddress())) {
        return Arrays.copyOf(packet.getData(), packet.getLength());
      }
    }
  }
}
