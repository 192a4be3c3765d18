package io.hsip.policygateway.hsip.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.session.FrameType;
import io.hsip.policygateway.hsip.session.Handshake;
import io.hsip.policygateway.hsip.session.SealedSession;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One host cannot starve the responder: per-host session and handshake limits, requests in flight
 * per session, and an unauthenticated E1 sent from a peer's address cannot take over its
 * established session. "Hosts" are distinct loopback addresses (127.0.0.1 and 127.0.0.2), real UDP
 * sockets throughout.
 */
class UdpConsentResponderLimitsTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final SigningKey RESPONDER = SigningKey.generate(RANDOM);
  private static final SigningKey REQUESTER = SigningKey.generate(RANDOM);
  private static final InetAddress HONEST_HOST = loopback(1);
  private static final InetAddress OTHER_HOST = loopback(2);

  private final ExecutorService executor = Executors.newFixedThreadPool(16);
  private final List<DatagramSocket> sockets = new ArrayList<>();
  private UdpConsentResponder responder;

  @AfterEach
  void stop() {
    sockets.forEach(DatagramSocket::close);
    if (responder != null) {
      responder.close();
    }
    executor.shutdownNow();
  }

  @Test
  void limitsMustBePositive() {
    assertThatThrownBy(
            () -> new UdpConsentResponder.Limits(0, 1, 1, 1, 1, 1, Duration.ofSeconds(1), 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new UdpConsentResponder.Limits(1, 1, 1, 0.0, 1, 1, Duration.ofSeconds(1), 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UdpConsentResponder.Limits(1, 1, 1, 1, 1, 1, Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void oneHostWithManyPortsGetsOnlyItsShareOfSessions() throws Exception {
    start(
        new UdpConsentResponder.Limits(100, 5, 1000, 1000, 64, 4, Duration.ofSeconds(60), 8192),
        allowing());
    int answered = 0;
    for (int i = 0; i < 20; i++) {
      DatagramSocket port = socket(OTHER_HOST);
      send(port, Handshake.Initiator.start(RANDOM).e1());
      answered += receiveOrNull(port, 300) != null ? 1 : 0;
    }
    // A host at its cap is not refused (that locked out busy clients and NATs): each new handshake
    // evicts the host's oldest never-authenticated one, so the host never holds more than its
    // share.
    assertThat(answered).isEqualTo(20);
    assertThat(responder.stats().refused()).isZero();
    assertThat(responder.stats().sessionsEvicted()).isEqualTo(15);
    assertThat(responder.sessionCount()).isEqualTo(5);

    // Another host is unaffected: its exchange completes.
    ConsentResponse answer = honestInitiator().exchange(request());
    assertThat(answer.responderPeerId()).isEqualTo(RESPONDER.peerId().value());
  }

  @Test
  void handshakesPerHostAreRateLimited() throws Exception {
    start(
        new UdpConsentResponder.Limits(100, 100, 3, 0.001, 64, 4, Duration.ofSeconds(60), 8192),
        allowing());
    int answered = 0;
    for (int i = 0; i < 10; i++) {
      DatagramSocket port = socket(OTHER_HOST);
      send(port, Handshake.Initiator.start(RANDOM).e1());
      answered += receiveOrNull(port, 300) != null ? 1 : 0;
    }
    assertThat(answered).isEqualTo(3);
    assertThat(responder.stats().refused()).isEqualTo(7);
    assertThat(honestInitiator().exchange(request()).decision()).isNotNull();
  }

  @Test
  void oneSessionCannotQueueUnboundedWork() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger decided = new AtomicInteger();
    start(
        UdpConsentResponder.Limits.DEFAULT,
        (request, from) -> {
          decided.incrementAndGet();
          await(release);
          return ConsentResponse.allow(RESPONDER, request, 1000, request.tsMs());
        });
    DatagramSocket peer = socket(HONEST_HOST);
    SealedSession session = handshake(peer, Handshake.Initiator.start(RANDOM));
    for (int i = 0; i < 10; i++) {
      send(peer, session.seal(FrameType.CONTROL, json(request())));
    }
    // The refusals can be counted before the worker threads have picked up the admitted requests:
    // wait for both.
    int inFlight = UdpConsentResponder.Limits.DEFAULT.maxRequestsInFlightPerSession();
    awaitCount(responder.stats()::refused, 10 - inFlight);
    awaitCount(decided::get, inFlight);
    Thread.sleep(100); // room for a fifth decision, if the limit leaked one
    assertThat(decided.get()).isEqualTo(inFlight);
    assertThat(responder.stats().refused()).isEqualTo(10 - inFlight);
    release.countDown();
    awaitCount(responder.stats()::responses, 4);
  }

  @Test
  void aHostIsRefusedForRoomOnlyWhenEverySessionOfItHasARequestInFlight() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger decided = new AtomicInteger();
    start(
        new UdpConsentResponder.Limits(100, 2, 1000, 1000, 64, 4, Duration.ofSeconds(60), 8192),
        (request, from) -> {
          decided.incrementAndGet();
          await(release);
          return ConsentResponse.allow(RESPONDER, request, 1000, request.tsMs());
        });
    List<DatagramSocket> busy = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      DatagramSocket peer = socket(OTHER_HOST);
      SealedSession session = handshake(peer, Handshake.Initiator.start(RANDOM));
      send(peer, session.seal(FrameType.CONTROL, json(request())));
      busy.add(peer);
    }
    awaitCount(decided::get, 2);

    // Both of the host's sessions are deciding a request: neither may be evicted, so the host's
    // next handshake is refused for room, and counted as such.
    DatagramSocket third = socket(OTHER_HOST);
    send(third, Handshake.Initiator.start(RANDOM).e1());
    assertThat(receiveOrNull(third, 300)).isNull();
    assertThat(responder.stats().dropped(UdpConsentResponder.DropReason.REFUSED_SESSION_CAP))
        .isEqualTo(1);

    // Once the answers are out, the sessions are idle and a new handshake evicts one of them.
    release.countDown();
    for (DatagramSocket peer : busy) {
      assertThat(receiveOrNull(peer, 2000)).isNotNull();
    }
    Thread.sleep(50); // the in-flight counts drop just after the answers are sent
    assertThat(handshake(third, Handshake.Initiator.start(RANDOM))).isNotNull();
    assertThat(responder.stats().sessionsEvicted()).isEqualTo(1);
  }

  @Test
  void malformedRequestCallbacksCountAgainstTheInFlightLimits() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger reported = new AtomicInteger();
    start(
        UdpConsentResponder.Limits.DEFAULT,
        new UdpConsentResponder.Handler() {
          @Override
          public ConsentResponse onRequest(ConsentRequest request, InetSocketAddress from) {
            return ConsentResponse.allow(RESPONDER, request, 1000, request.tsMs());
          }

          @Override
          public void onMalformedRequest(InetSocketAddress from, String reason) {
            reported.incrementAndGet();
            await(release);
          }
        });
    DatagramSocket peer = socket(HONEST_HOST);
    SealedSession session = handshake(peer, Handshake.Initiator.start(RANDOM));
    for (int i = 0; i < 10; i++) {
      send(peer, session.seal(FrameType.CONTROL, "not json".getBytes(StandardCharsets.UTF_8)));
    }
    int inFlight = UdpConsentResponder.Limits.DEFAULT.maxRequestsInFlightPerSession();
    UdpConsentResponder.Stats stats = responder.stats();
    awaitCount(
        () -> stats.dropped(UdpConsentResponder.DropReason.REFUSED_IN_FLIGHT), 10 - inFlight);
    awaitCount(reported::get, inFlight);
    assertThat(stats.dropped(UdpConsentResponder.DropReason.MALFORMED_REQUEST)).isEqualTo(inFlight);
    assertThat(stats.droppedByReason())
        .containsEntry("refused_in_flight", (long) (10 - inFlight))
        .containsEntry("malformed_request", (long) inFlight);
    release.countDown();
  }

  @Test
  void anE1FromAPeersAddressDoesNotTakeOverItsEstablishedSession() throws Exception {
    start(UdpConsentResponder.Limits.DEFAULT, allowing());
    DatagramSocket peer = socket(HONEST_HOST);
    SealedSession original = handshake(peer, Handshake.Initiator.start(RANDOM));
    send(peer, original.seal(FrameType.CONTROL, json(request())));
    assertThat(receiveOrNull(peer, 2000)).isNotNull();

    // Someone puts the peer's address on a fresh E1 (here: the same socket, as a spoofer would
    // appear).
    Handshake.Initiator intruder = Handshake.Initiator.start(RANDOM);
    send(peer, intruder.e1());
    byte[] intruderE2 = receiveOrNull(peer, 2000);
    assertThat(intruderE2).isNotNull();

    // The peer's established session still works.
    send(peer, original.seal(FrameType.CONTROL, json(request())));
    byte[] reply = receiveOrNull(peer, 2000);
    assertThat(reply).isNotNull();
    assertThat(ConsentResponse.parse(original.open(reply, FrameType.CONTROL)).responderPeerId())
        .isEqualTo(RESPONDER.peerId().value());

    // Once the new handshake authenticates a frame, it replaces the old session.
    SealedSession renewed = SealedSession.initiator(intruder.finish(intruderE2), RANDOM);
    send(peer, renewed.seal(FrameType.CONTROL, json(request())));
    assertThat(receiveOrNull(peer, 2000)).isNotNull();
    long droppedBefore = responder.stats().dropped();
    send(peer, original.seal(FrameType.CONTROL, json(request())));
    awaitCount(responder.stats()::dropped, droppedBefore + 1);
  }

  // ---- helpers ----

  private void start(UdpConsentResponder.Limits limits, UdpConsentResponder.Handler handler)
      throws IOException {
    responder =
        UdpConsentResponder.start(
            new InetSocketAddress(HONEST_HOST, 0), handler, executor, limits, Clock.systemUTC());
  }

  private static UdpConsentResponder.Handler allowing() {
    return (request, from) -> ConsentResponse.allow(RESPONDER, request, 1000, request.tsMs());
  }

  private UdpConsentInitiator honestInitiator() {
    return new UdpConsentInitiator(responder.localAddress(), Duration.ofSeconds(2), 2, RANDOM);
  }

  private static ConsentRequest request() {
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    long now = System.currentTimeMillis();
    return ConsentRequest.sign(REQUESTER, "ab".repeat(32), "indexing", now + 60_000, now, nonce);
  }

  private static byte[] json(ConsentRequest request) {
    return request.toJson().getBytes(StandardCharsets.UTF_8);
  }

  private SealedSession handshake(DatagramSocket peer, Handshake.Initiator initiator)
      throws Exception {
    send(peer, initiator.e1());
    byte[] e2 = receiveOrNull(peer, 2000);
    assertThat(e2).isNotNull();
    return SealedSession.initiator(initiator.finish(e2), RANDOM);
  }

  private DatagramSocket socket(InetAddress host) throws IOException {
    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(host, 0));
    sockets.add(socket);
    return socket;
  }

  private void send(DatagramSocket socket, byte[] datagram) throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length, responder.localAddress()));
  }

  private static byte[] receiveOrNull(DatagramSocket socket, int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    byte[] buffer = new byte[65_535];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    try {
      socket.receive(packet);
      return Arrays.copyOf(packet.getData(), packet.getLength());
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  private static void awaitCount(LongSupplier counter, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (counter.getAsLong() < expected && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(counter.getAsLong()).isEqualTo(expected);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static InetAddress loopback(int last) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
