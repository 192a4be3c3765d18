package io.hsip.policygateway.cli.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.hsip.consent.ConsentDecision;
import io.hsip.policygateway.hsip.consent.ConsentParseException;
import io.hsip.policygateway.hsip.consent.ConsentRejectedException;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
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
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One simulated peer over UDP, in the CLI dialect: a new socket (so a new source port) and a full
 * handshake (E1, E2) for each session, then up to {@code requestsPerSession} sealed CONTROL
 * requests on it, one at a time. With one request per session it behaves like the reference's
 * {@code consent-send-request}: one socket, one handshake, one request.
 *
 * <p>An E1 is sent once: a lost one shows as a handshake timeout, not as a slower exchange. After
 * an unanswered request the session is dropped, so a late answer cannot be taken for the next one;
 * answers are also matched to their request by its hash.
 *
 * <p>A malformed request ends its session: the socket is handed to a virtual thread that waits
 * {@code malformedWait} for the answer that must not come and reports the outcome late, while the
 * peer goes on with a new session. So the silence it checks for does not hold the peer up.
 */
final class UdpLink implements PeerLink {

  private static final int RECEIVE_BUFFER = 8192;

  private final InetSocketAddress target;
  private final @Nullable InetSocketAddress source;
  private final Duration timeout;
  private final Duration malformedWait;
  private final int requestsPerSession;
  private final @Nullable Ed25519PublicKey responder;
  private final SecureRandom random;
  private final PeerLink.LateOutcomes late;
  private final byte[] buffer = new byte[RECEIVE_BUFFER];
  private @Nullable DatagramSocket socket;
  private @Nullable SealedSession session;
  private int used;

  /**
   * @param source the local address to send from (port 0), or null for the system's choice
   * @param malformedWait how long to wait for the answer that a malformed request must not get
   * @param responder the listener's key, to verify each answer's signature; null not to verify
   * @param late where the outcomes of malformed requests are reported
   */
  UdpLink(
      InetSocketAddress target,
      @Nullable InetSocketAddress source,
      Duration timeout,
      Duration malformedWait,
      int requestsPerSession,
      @Nullable Ed25519PublicKey responder,
      SecureRandom random,
      PeerLink.LateOutcomes late) {
    this.target = target;
    this.source = source;
    this.timeout = timeout;
    this.malformedWait = malformedWait;
    this.requestsPerSession = requestsPerSession;
    this.responder = responder;
    this.random = random;
    this.late = late;
  }

  @Override
  public @Nullable Outcome exchange(LoadKind kind, ConsentRequest request) {
    try {
      if (session == null || used >= requestsPerSession) {
        Outcome failed = startSession();
        if (failed != null) {
          return failed;
        }
      }
      DatagramSocket open = requireOpen(socket);
      SealedSession sealed = requireOpen(session);
      used++;
      byte[] json = request.toJson().getBytes(StandardCharsets.UTF_8);
      // Half a JSON object authenticates like any frame but parses as nothing.
      byte[] payload = kind == LoadKind.MALFORMED ? Arrays.copyOf(json, json.length / 2) : json;
      byte[] frame = sealed.seal(FrameType.CONTROL, payload);
      open.send(new DatagramPacket(frame, frame.length));
      if (kind == LoadKind.MALFORMED) {
        awaitSilence(open, sealed, request);
        return null;
      }
      Outcome outcome =
          awaitAnswer(open, sealed, request, kind, buffer, System.nanoTime() + timeout.toNanos());
      if (outcome.type() == Outcome.Type.NO_ANSWER) {
        closeSession();
      }
      return outcome;
    } catch (PortUnreachableException e) {
      closeSession();
      return Outcome.error("unreachable");
    } catch (IOException e) {
      closeSession();
      return Outcome.error("io");
    }
  }

  /** Opens a socket and completes a handshake; returns the failure, or null on success. */
  private @Nullable Outcome startSession() throws IOException {
    closeSession();
    DatagramSocket fresh = source == null ? new DatagramSocket() : new DatagramSocket(source);
    socket = fresh;
    // Connected: the kernel drops datagrams from anyone else and reports ICMP port unreachable.
    fresh.connect(target);
    Handshake.Initiator handshake = Handshake.Initiator.start(random);
    byte[] e1 = handshake.e1();
    fresh.send(new DatagramPacket(e1, e1.length));
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int length = receive(fresh, buffer, deadline);
        length >= 0;
        length = receive(fresh, buffer, deadline)) {
      try {
        SessionKey key = handshake.finish(Arrays.copyOf(buffer, length));
        session = SealedSession.initiator(key, random);
        used = 0;
        return null;
      } catch (HandshakeException e) {
        // Not an E2 (a late frame of nothing we sent): keep waiting.
      }
    }
    closeSession();
    return Outcome.noHandshake();
  }

  /**
   * Hands the session of a malformed request over to a virtual thread that waits for the answer
   * that must not come, reports the outcome late and closes the socket.
   */
  private void awaitSilence(DatagramSocket open, SealedSession sealed, ConsentRequest request) {
    long start = System.nanoTime();
    socket = null;
    session = null;
    late.expect();
    Thread.ofVirtual()
        .name("hsip-load-malformed")
        .start(
            () -> {
              Outcome outcome;
              try (open) {
                outcome =
                    awaitAnswer(
                        open,
                        sealed,
                        request,
                        LoadKind.MALFORMED,
                        new byte[RECEIVE_BUFFER],
                        start + malformedWait.toNanos());
              } catch (PortUnreachableException e) {
                outcome = Outcome.error("unreachable");
              } catch (IOException e) {
                outcome = Outcome.error("io");
              }
              late.report(LoadKind.MALFORMED, outcome, start);
            });
  }

  private Outcome awaitAnswer(
      DatagramSocket open,
      SealedSession sealed,
      ConsentRequest request,
      LoadKind kind,
      byte[] into,
      long deadline)
      throws IOException {
    String hash = request.hashHex();
    for (int length = receive(open, into, deadline);
        length >= 0;
        length = receive(open, into, deadline)) {
      byte[] plaintext;
      try {
        plaintext = sealed.open(into, length, FrameType.CONTROL);
      } catch (FrameException e) {
        continue; // a duplicate E2, or a frame of no session of ours
      }
      ConsentResponse response;
      try {
        response = ConsentResponse.parse(plaintext);
      } catch (ConsentParseException e) {
        return Outcome.error("invalid_answer");
      }
      if (kind != LoadKind.MALFORMED && !response.requestHashHex().equals(hash)) {
        continue; // the late answer to an earlier request of this session
      }
      if (responder != null) {
        try {
          ConsentValidator.validateResponse(response, request, responder, null);
        } catch (ConsentRejectedException e) {
          return Outcome.error("unverified_answer");
        }
      }
      String reason = reason(plaintext);
      return response.decision() == ConsentDecision.ALLOW
          ? Outcome.allow(reason)
          : Outcome.deny(reason);
    }
    return Outcome.noAnswer();
  }

  /** The unsigned {@code reason} member beside the response, if any. */
  private static @Nullable String reason(byte[] plaintext) {
    try {
      JsonNode reason = ObjectMappers.standard().readTree(plaintext).get("reason");
      return reason != null && reason.isTextual() ? reason.asText() : null;
    } catch (IOException e) {
      return null; // parsed once already; cannot happen
    }
  }

  /** Receives one datagram into {@code into} before the deadline; its length, or -1 on timeout. */
  private static int receive(DatagramSocket open, byte[] into, long deadline) throws IOException {
    long leftMs = (deadline - System.nanoTime() + 999_999) / 1_000_000;
    if (leftMs <= 0) {
      return -1;
    }
    open.setSoTimeout((int) Math.min(leftMs, Integer.MAX_VALUE));
    DatagramPacket packet = new DatagramPacket(into, into.length);
    try {
      open.receive(packet);
    } catch (SocketTimeoutException e) {
      return -1;
    }
    return packet.getLength();
  }

  private void closeSession() {
    if (socket != null) {
      socket.close();
    }
    socket = null;
    session = null;
  }

  private static <T> T requireOpen(@Nullable T value) {
    if (value == null) {
      throw new IllegalStateException("no session");
    }
    return value;
  }

  @Override
  public void close() {
    closeSession();
  }
}
