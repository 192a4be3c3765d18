package io.hsip.policygateway.hsip.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.hsip.Vectors;
import io.hsip.policygateway.hsip.consent.ConsentDecision;
import io.hsip.policygateway.hsip.consent.ConsentRejectedException;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import io.hsip.policygateway.hsip.consent.InMemoryReplayGuard;
import io.hsip.policygateway.hsip.consent.VerifiedConsentResponse;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.session.FrameType;
import io.hsip.policygateway.hsip.session.Handshake;
import io.hsip.policygateway.hsip.session.SealedSession;
import io.hsip.policygateway.hsip.session.SessionKey;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The consent exchange over real UDP sockets on 127.0.0.1: our initiator against our responder, a
 * raw socket replaying the reference initiator's vector bytes, and hostile datagrams that must be
 * dropped, counted and survived.
 */
class UdpConsentExchangeTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final SigningKey REQUESTER = Vectors.key("requester");
  private static final SigningKey RESPONDER = Vectors.key("responder");

  /** The vectors' base time; the vector request has ts_ms = NOW. */
  private static final long NOW = Vectors.number("consent.request.inputs.ts_ms");

  /** How long the vector request is valid for. */
  private static final long LIFETIME = Vectors.number("consent.request.inputs.expires_ms") - NOW;

  private static final long TTL = Vectors.number("consent.response_allow.inputs.ttl_ms");
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final List<ConsentRejectedException.Reason> rejections = new CopyOnWriteArrayList<>();
  private final List<String> malformed = new CopyOnWriteArrayList<>();
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
  private ExecutorService executor;
  private UdpConsentResponder responder;

  @BeforeEach
  void startExecutor() {
    executor = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void stop() {
    if (responder != null) {
      responder.close();
    }
    executor.shutdownNow();
  }

  // ---- (a) our initiator against our responder ----

  @Test
  void exchange_allowsAFreshRequestAndDeniesItsReplay() throws Exception {
    responder = start(validatingHandler());
    ConsentRequest request = freshRequest();

    ConsentResponse first = initiator().exchange(request);
    VerifiedConsentResponse allowed =
        ConsentValidator.validateResponse(first, request, RESPONDER.publicKey(), NOW);
    assertThat(allowed.response().decision()).isEqualTo(ConsentDecision.ALLOW);
    assertThat(allowed.validUntilMs()).isEqualTo(NOW + TTL);
    assertThat(allowed.allowsAt(NOW)).isTrue();

    // The same signed request again, in a brand-new session from a new socket.
    ConsentResponse second = initiator().exchange(request);
    VerifiedConsentResponse denied =
        ConsentValidator.validateResponse(second, request, RESPONDER.publicKey(), NOW);
    assertThat(denied.response().decision()).isEqualTo(ConsentDecision.DENY);
    assertThat(denied.response().ttlMs()).isZero();
    assertThat(rejections).containsExactly(ConsentRejectedException.Reason.REPLAYED);

    UdpConsentResponder.Stats stats = responder.stats();
    await(stats::responses, 2);
    assertThat(stats.handshakes()).isEqualTo(2);
    assertThat(stats.requests()).isEqualTo(2);
    assertThat(stats.dropped()).isZero();
    assertThat(responder.sessionCount()).isEqualTo(2);
  }

  @Test
  void exchange_deniesAStaleRequestWithZeroTtl() throws Exception {
    responder = start(validatingHandler());
    ConsentRequest stale =
        ConsentRequest.sign(REQUESTER, cid(), purpose(), NOW + LIFETIME, NOW - 60_001, nonce());
    ConsentResponse response = initiator().exchange(stale);
    assertThat(
            ConsentValidator.validateResponse(response, stale, RESPONDER.publicKey(), NOW)
                .response()
                .decision())
        .isEqualTo(ConsentDecision.DENY);
    assertThat(response.ttlMs()).isZero();
    assertThat(rejections).containsExactly(ConsentRejectedException.Reason.STALE);
  }

  // ---- (b) a raw socket sending the reference initiator's vector bytes ----

  @Test
  void referenceInitiator_vectorBytesGetAValidatedAnswer() throws Exception {
    responder = start(validatingHandler());
    String requestFrame = "session_cli_dialect.frames.control_request_initiator_to_responder.";
    byte[] e1 = Vectors.hex("session_cli_dialect.E1_udp_datagram_hex");
    byte[] vectorFrame = Vectors.hex(requestFrame + "udp_datagram_hex");
    byte[] initiatorSecret = Vectors.hex("session_cli_dialect.inputs.initiator_x25519_secret_hex");
    byte[] initiatorPrefix = Vectors.hex("session_cli_dialect.inputs.initiator_tx_prefix_hex");
    ConsentRequest vectorRequest =
        ConsentRequest.parse(Vectors.utf8("consent.request.json_compact"));

    try (DatagramSocket socket = rawSocket()) {
      send(socket, e1);
      byte[] e2 = receive(socket);
      assertThat(e2).hasSize(Handshake.MESSAGE_LENGTH);
      assertThat(e2[0]).isEqualTo(Handshake.E2);
      // Our responder's ephemeral is random, so its E2 is not the vector's.
      assertThat(HEX.formatHex(e2))
          .isNotEqualTo(Vectors.text("session_cli_dialect.E2_udp_datagram_hex"));
      Handshake.Initiator reference = Handshake.Initiator.withEphemeral(initiatorSecret);
      assertThat(reference.e1()).isEqualTo(e1);
      SessionKey key = reference.finish(e2);

      // The vector's CONTROL datagram is sealed under the vector's session key (responder ephemeral
      // 61..80), which this responder never used: it must be dropped as unauthenticated,
      // unanswered.
      send(socket, vectorFrame);
      await(responder.stats()::dropped, 1);
      assertNoDatagram(socket);

      // What the reference initiator does with the E2 it actually got: the vector plaintext, sealed
      // with the vector prefix at counter 0 under the derived key. Header and length equal the
      // vector's.
      SealedSession referenceSession = SealedSession.withTxPrefix(key, initiatorPrefix);
      byte[] plaintext = Vectors.hex(requestFrame + "plaintext_hex");
      byte[] frame = referenceSession.seal(FrameType.CONTROL, plaintext);
      assertThat(frame).hasSameSizeAs(vectorFrame);
      assertThat(Arrays.copyOf(frame, SealedSession.HEADER_LENGTH))
          .isEqualTo(Arrays.copyOf(vectorFrame, SealedSession.HEADER_LENGTH));
      assertThat(ConsentRequest.parse(plaintext)).isEqualTo(vectorRequest);
      send(socket, frame);

      byte[] reply = receive(socket);
      assertThat(reply[0]).isEqualTo(SealedSession.FRAME_TAG);
      assertThat(Arrays.copyOfRange(reply, 1, 5)).isNotEqualTo(initiatorPrefix);
      assertThat(Arrays.copyOfRange(reply, 5, 13)).isEqualTo(new byte[8]);
      ConsentResponse response =
          ConsentResponse.parse(referenceSession.open(reply, FrameType.CONTROL));
      VerifiedConsentResponse verified =
          ConsentValidator.validateResponse(response, vectorRequest, RESPONDER.publicKey(), NOW);
      assertThat(verified.response().decision()).isEqualTo(ConsentDecision.ALLOW);
      assertThat(verified.response().requestHashHex())
          .isEqualTo(Vectors.text("consent.request_hash.request_hash_hex"));
      assertThat(verified.response().responderPeerId())
          .isEqualTo(Vectors.text("identity.responder.peer_id"));
      assertThat(verified.response().tsMs()).isEqualTo(NOW);
    }
    UdpConsentResponder.Stats stats = responder.stats();
    await(stats::responses, 1);
    assertThat(stats.handshakes()).isEqualTo(1);
    assertThat(stats.requests()).isEqualTo(1);
    assertThat(stats.dropped()).isEqualTo(1);
    assertThat(rejections).isEmpty();
  }

  /**
   * The whole vector exchange byte for byte: a responder whose ephemeral key and nonce prefix are
   * the vector's (drawn from a scripted random source) answers the reference initiator's exact E1
   * and CONTROL datagrams with exactly the vector's E2 and CONTROL response datagrams, which the
   * vector session key decrypts and the vector keys verify.
   */
  @Test
  void referenceInitiator_exactVectorExchangeIsReproducedByteForByte() throws Exception {
    byte[] responderSecret = Vectors.hex("session_cli_dialect.inputs.responder_x25519_secret_hex");
    byte[] responderPrefix = Vectors.hex("session_cli_dialect.inputs.responder_tx_prefix_hex");
    long responseTs = Vectors.number("consent.response_allow.inputs.ts_ms");
    long responseTtl = Vectors.number("consent.response_allow.inputs.ttl_ms");
    Clock atResponse = Clock.fixed(Instant.ofEpochMilli(responseTs), ZoneOffset.UTC);
    ConsentValidator validator =
        new ConsentValidator(ConsentValidator.Rules.DEFAULT, new InMemoryReplayGuard(10));
    UdpConsentResponder.Handler handler =
        (request, from) -> {
          try {
            validator.validate(request, atResponse.millis());
            return ConsentResponse.allow(RESPONDER, request, responseTtl, atResponse.millis());
          } catch (ConsentRejectedException e) {
            rejections.add(e.reason());
            return ConsentResponse.deny(RESPONDER, request, atResponse.millis());
          }
        };
    responder =
        UdpConsentResponder.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            handler,
            executor,
            UdpConsentResponder.Limits.DEFAULT,
            atResponse,
            new ScriptedRandom(responderSecret, responderPrefix));

    try (DatagramSocket socket = rawSocket()) {
      send(socket, Vectors.hex("session_cli_dialect.E1_udp_datagram_hex"));
      assertThat(HEX.formatHex(receive(socket)))
          .isEqualTo(Vectors.text("session_cli_dialect.E2_udp_datagram_hex"));

      send(
          socket,
          Vectors.hex(
              "session_cli_dialect.frames.control_request_initiator_to_responder.udp_datagram_hex"));
      byte[] reply = receive(socket);
      assertThat(HEX.formatHex(reply))
          .isEqualTo(
              Vectors.text(
                  "session_cli_dialect.frames.control_response_responder_to_initiator.udp_datagram_hex"));

      // Decrypt with the vector session key, independently of the responder's state.
      byte[] plaintext =
          io.hsip.policygateway.hsip.crypto.Aeads.chaCha20Poly1305(
                  Vectors.hex("session_cli_dialect.session_key_hex"))
              .open(
                  Arrays.copyOfRange(reply, 1, SealedSession.HEADER_LENGTH),
                  Arrays.copyOfRange(reply, SealedSession.HEADER_LENGTH, reply.length),
                  FrameType.CONTROL.aadText().getBytes(StandardCharsets.US_ASCII));
      ConsentRequest vectorRequest =
          ConsentRequest.parse(Vectors.utf8("consent.request.json_compact"));
      VerifiedConsentResponse verified =
          ConsentValidator.validateResponse(
              ConsentResponse.parse(plaintext), vectorRequest, RESPONDER.publicKey(), responseTs);
      assertThat(verified.validUntilMs()).isEqualTo(responseTs + responseTtl);
    }
    assertThat(rejections).isEmpty();
  }

  /** A random source that returns the given byte strings in order, then fails loudly. */
  private static final class ScriptedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final java.util.ArrayDeque<byte[]> script = new java.util.ArrayDeque<>();

    ScriptedRandom(byte[]... chunks) {
      for (byte[] chunk : chunks) {
        script.add(chunk.clone());
      }
    }

    @Override
    public synchronized void nextBytes(byte[] bytes) {
      byte[] next = script.poll();
      if (next == null || next.length != bytes.length) {
        throw new IllegalStateException("unscripted random request of " + bytes.length + " bytes");
      }
      System.arraycopy(next, 0, bytes, 0, bytes.length);
    }
  }

  // ---- (c) hostile datagrams ----

  @Test
  void hostileDatagrams_areDroppedCountedAndSurvived() throws Exception {
    responder = start(validatingHandler());
    UdpConsentResponder.Stats stats = responder.stats();
    int maxBytes = UdpConsentResponder.Limits.DEFAULT.maxDatagramBytes();
    try (DatagramSocket a = rawSocket();
        DatagramSocket b = rawSocket()) {
      // From an address without a session.
      send(a, garbage(0x42, 100));
      send(a, new byte[0]);
      send(a, garbage(0xE1, 11)); // truncated E1
      send(a, garbage(0xE1, maxBytes + 1)); // oversized, even with a valid-looking tag
      send(a, garbage(0xD0, 64)); // a frame from an unknown address
      send(a, garbage(0xD0, 6)); // a truncated frame
      send(a, garbage(0xE1, 65_507)); // the largest UDP payload
      await(stats::dropped, 7);
      assertNoDatagram(a);
      assertThat(stats.handshakes()).isZero();
      assertThat(responder.sessionCount()).isZero();

      // A handshake, and a retransmitted identical E1 that must get the identical E2.
      Handshake.Initiator handshake = Handshake.Initiator.start(RANDOM);
      send(a, handshake.e1());
      byte[] e2 = receive(a);
      send(a, handshake.e1());
      assertThat(receive(a)).isEqualTo(e2);
      assertThat(stats.handshakes()).isEqualTo(1);
      SealedSession session = SealedSession.initiator(handshake.finish(e2), RANDOM);

      // From the address that now has a session.
      long before = stats.dropped();
      send(a, Arrays.copyOf(handshake.e1(), 11)); // a truncated copy of its own E1
      send(a, Arrays.copyOf(handshake.e1(), 1));
      send(a, garbage(0xD0, 6)); // truncated frame
      send(a, garbage(0xD0, 80)); // unauthenticated frame
      byte[] smallOrder = new byte[Handshake.MESSAGE_LENGTH];
      smallOrder[0] = Handshake.E1;
      send(a, smallOrder); // small-order E1: refused, and the session survives
      await(stats::dropped, before + 5);
      assertNoDatagram(a);

      // A valid frame of a's session sent from another address is not opened there.
      ConsentRequest request = freshRequest();
      byte[] frame =
          session.seal(FrameType.CONTROL, request.toJson().getBytes(StandardCharsets.UTF_8));
      send(b, frame);
      await(stats::dropped, before + 6);
      assertNoDatagram(b);

      // a's session is intact: the same frame from a is answered.
      send(a, frame);
      ConsentResponse response = ConsentResponse.parse(session.open(receive(a), FrameType.CONTROL));
      assertThat(
              ConsentValidator.validateResponse(response, request, RESPONDER.publicKey(), NOW)
                  .response()
                  .decision())
          .isEqualTo(ConsentDecision.ALLOW);
    }
    // And the responder keeps serving new peers.
    ConsentRequest another = freshRequest();
    assertThat(initiator().exchange(another).decision()).isEqualTo(ConsentDecision.ALLOW);
    assertThat(stats.handlerFailures()).isZero();
  }

  @Test
  void malformedRequest_callbackFailureDoesNotStopTheReceiveLoop() throws Exception {
    responder =
        start(
            new UdpConsentResponder.Handler() {
              @Override
              public ConsentResponse onRequest(ConsentRequest request, InetSocketAddress from) {
                return ConsentResponse.allow(RESPONDER, request, TTL, NOW);
              }

              @Override
              public void onMalformedRequest(InetSocketAddress from, String reason) {
                malformed.add(reason);
                throw new IllegalStateException("audit sink down");
              }
            });
    try (DatagramSocket a = rawSocket()) {
      Handshake.Initiator handshake = Handshake.Initiator.start(RANDOM);
      send(a, handshake.e1());
      SealedSession session = SealedSession.initiator(handshake.finish(receive(a)), RANDOM);
      send(a, session.seal(FrameType.CONTROL, "not json".getBytes(StandardCharsets.UTF_8)));
      await(responder.stats()::handlerFailures, 1);
    }
    assertThat(malformed).containsExactly("malformed JSON at line 1, column 1");
    assertThat(responder.stats().dropped()).isEqualTo(1);
    ConsentRequest request = freshRequest();
    assertThat(initiator().exchange(request).decision()).isEqualTo(ConsentDecision.ALLOW);
  }

  @Test
  void parserFailure_costsOneDatagramNotTheResponder() throws Exception {
    responder = start(validatingHandler());
    try (DatagramSocket a = rawSocket()) {
      Handshake.Initiator handshake = Handshake.Initiator.start(RANDOM);
      send(a, handshake.e1());
      SealedSession session = SealedSession.initiator(handshake.finish(receive(a)), RANDOM);
      // Any peer can complete a handshake and seal this; StrictJson once let Jackson's
      // NumberFormatException ("Exponent overflow") escape on it, which ended the receive thread.
      send(
          a,
          session.seal(
              FrameType.CONTROL, "{\"version\":1e-2147483649}".getBytes(StandardCharsets.UTF_8)));
      await(responder.stats()::dropped, 1);
      assertNoDatagram(a);
      // The same session still works.
      ConsentRequest request = freshRequest();
      send(a, session.seal(FrameType.CONTROL, request.toJson().getBytes(StandardCharsets.UTF_8)));
      ConsentResponse response = ConsentResponse.parse(session.open(receive(a), FrameType.CONTROL));
      assertThat(
              ConsentValidator.validateResponse(response, request, RESPONDER.publicKey(), NOW)
                  .response()
                  .decision())
          .isEqualTo(ConsentDecision.ALLOW);
    }
    assertThat(initiator().exchange(freshRequest()).decision()).isEqualTo(ConsentDecision.ALLOW);
  }

  @Test
  void handlerFailure_sendsNothingAndKeepsServing() throws Exception {
    responder =
        start(
            (request, from) -> {
              if (request.purpose().equals("explode")) {
                throw new IllegalStateException("policy engine down");
              }
              return ConsentResponse.allow(RESPONDER, request, TTL, NOW);
            });
    ConsentRequest exploding =
        ConsentRequest.sign(REQUESTER, cid(), "explode", NOW + LIFETIME, NOW, nonce());
    UdpConsentInitiator impatient =
        new UdpConsentInitiator(responder.localAddress(), Duration.ofMillis(500), 1, RANDOM);
    assertThatThrownBy(() -> impatient.exchange(exploding))
        .isInstanceOf(ConsentExchangeException.class)
        .hasMessage("no consent response from " + responder.localAddress() + " in time");
    await(responder.stats()::handlerFailures, 1);
    assertThat(initiator().exchange(freshRequest()).decision()).isEqualTo(ConsentDecision.ALLOW);
  }

  @Test
  void initiator_givesUpWithoutAnE2() throws Exception {
    try (DatagramSocket silent = rawSocket()) {
      UdpConsentInitiator initiator =
          new UdpConsentInitiator(
              (InetSocketAddress) silent.getLocalSocketAddress(),
              Duration.ofMillis(200),
              2,
              RANDOM);
      assertThatThrownBy(() -> initiator.exchange(freshRequest()))
          .isInstanceOf(ConsentExchangeException.class)
          .hasMessage(
              "no handshake answer (E2) from "
                  + silent.getLocalSocketAddress()
                  + " after 2 attempts");
      // It sent E1 twice, identical.
      byte[] first = receive(silent);
      assertThat(receive(silent)).isEqualTo(first);
      assertThat(first).hasSize(Handshake.MESSAGE_LENGTH);
    }
  }

  // ---- helpers ----

  private UdpConsentResponder start(UdpConsentResponder.Handler handler) throws IOException {
    return UdpConsentResponder.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        handler,
        executor,
        UdpConsentResponder.Limits.DEFAULT,
        Clock.systemUTC());
  }

  /**
   * Validates with the fixed clock, answers allow or (on any rejection) deny, signed by the
   * responder.
   */
  private UdpConsentResponder.Handler validatingHandler() {
    ConsentValidator validator =
        new ConsentValidator(ConsentValidator.Rules.DEFAULT, new InMemoryReplayGuard(1_000));
    return (request, from) -> {
      long now = clock.millis();
      try {
        validator.validate(request, now);
        return ConsentResponse.allow(RESPONDER, request, TTL, now);
      } catch (ConsentRejectedException e) {
        rejections.add(e.reason());
        return ConsentResponse.deny(RESPONDER, request, now);
      }
    };
  }

  private UdpConsentInitiator initiator() {
    return new UdpConsentInitiator(responder.localAddress(), Duration.ofSeconds(2), 3, RANDOM);
  }

  private static ConsentRequest freshRequest() {
    return ConsentRequest.sign(REQUESTER, cid(), purpose(), NOW + LIFETIME, NOW, nonce());
  }

  private static String cid() {
    return ConsentRequest.contentId(Vectors.utf8("consent.request.inputs.content"));
  }

  private static String purpose() {
    return Vectors.text("consent.request.inputs.purpose");
  }

  private static byte[] nonce() {
    byte[] nonce = new byte[ConsentRequest.NONCE_LENGTH];
    RANDOM.nextBytes(nonce);
    return nonce;
  }

  private static byte[] garbage(int firstByte, int length) {
    byte[] out = new byte[length];
    RANDOM.nextBytes(out);
    if (length > 0) {
      out[0] = (byte) firstByte;
    }
    return out;
  }

  private static DatagramSocket rawSocket() throws IOException {
    DatagramSocket socket =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    socket.setSoTimeout(Math.toIntExact(WAIT.toMillis()));
    return socket;
  }

  private void send(DatagramSocket socket, byte[] datagram) throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length, responder.localAddress()));
  }

  private static byte[] receive(DatagramSocket socket) throws IOException {
    byte[] buffer = new byte[65_535];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    socket.receive(packet);
    return Arrays.copyOf(packet.getData(), packet.getLength());
  }

  /**
   * Nothing arrives within 300 ms (the responder answers loopback datagrams within a millisecond or
   * so).
   */
  private static void assertNoDatagram(DatagramSocket socket) throws IOException {
    int previous = socket.getSoTimeout();
    socket.setSoTimeout(300);
    try {
      byte[] unexpected = receive(socket);
      throw new AssertionError("unexpected datagram " + HEX.formatHex(unexpected));
    } catch (SocketTimeoutException expected) {
      // Silence is the correct answer to a dropped datagram.
    } finally {
      socket.setSoTimeout(previous);
    }
  }

  /** Waits until the counter reaches {@code expected}, then checks it did not overshoot. */
  private static void await(LongSupplier counter, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (counter.getAsLong() < expected && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(counter.getAsLong()).isEqualTo(expected);
  }
}
