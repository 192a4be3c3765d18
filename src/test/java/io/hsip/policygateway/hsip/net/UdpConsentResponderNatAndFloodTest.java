package io.hsip.policygateway.hsip.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.Heavy;
import io.hsip.policygateway.hsip.consent.ConsentDecision;
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
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Normal use from one address and abuse of forged addresses, over real UDP sockets on loopback
 * (127.0.0.0/8 only; nothing is ever sent elsewhere): one-shot exchanges from new source ports
 * (what the reference CLI does for each {@code consent send}), many clients behind one address (a
 * NAT), sessions at a host's cap expiring on time, a handshake flood from forged loopback sources
 * while an honest peer keeps working, and forged E1s from a victim's own address.
 */
class UdpConsentResponderNatAndFloodTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final SigningKey RESPONDER = SigningKey.generate(RANDOM);
  private static final SigningKey REQUESTER = SigningKey.generate(RANDOM);
  private static final InetAddress HOST = loopback(1);

  private final ExecutorService executor = Executors.newFixedThreadPool(8);
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

  /** The lockout: one-shots from one address used to be refused after 64 sessions. */
  @Test
  void aThousandSequentialOneShotExchangesFromOneAddressAreAllAnswered() throws Exception {
    start(UdpConsentResponder.Limits.DEFAULT, Clock.systemUTC());
    UdpConsentInitiator initiator = initiator(Duration.ofSeconds(2));
    int answered = 0;
    long started = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      // exchange() opens a new socket, so every exchange comes from a new source port.
      if (initiator.exchange(request()).decision() == ConsentDecision.ALLOW) {
        answered++;
      }
    }
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        Locale.ROOT,
        "1000 sequential one-shot exchanges from one address: %d answered in %d ms (%.0f/s)%n",
        answered,
        elapsedMs,
        answered * 1000.0 / Math.max(1, elapsedMs));
    assertThat(answered).isEqualTo(1000);
    assertThat(responder.stats().refused()).isZero();
    assertThat(responder.stats().handshakes()).isEqualTo(1000);
  }

  @Test
  void twoHundredConcurrentClientsBehindOneAddressAreAllServed() throws Exception {
    start(UdpConsentResponder.Limits.DEFAULT, Clock.systemUTC());
    int clients = 200;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Long>> results = new ArrayList<>();
      UdpConsentInitiator initiator = initiator(Duration.ofSeconds(2));
      for (int i = 0; i < clients; i++) {
        ConsentRequest request = request();
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  long t0 = System.nanoTime();
                  ConsentResponse response = initiator.exchange(request);
                  return response.decision() == ConsentDecision.ALLOW
                      ? System.nanoTime() - t0
                      : -1L;
                }));
      }
      go.countDown();
      List<Long> latencies = new ArrayList<>();
      int failed = 0;
      for (Future<Long> result : results) {
        try {
          long nanos = result.get(30, TimeUnit.SECONDS);
          if (nanos >= 0) {
            latencies.add(nanos);
          } else {
            failed++;
          }
        } catch (java.util.concurrent.ExecutionException e) {
          failed++;
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%d concurrent clients behind one address: success %.1f%%, p50 %.2f ms, p99 %.2f ms%n",
          clients,
          100.0 * latencies.size() / clients,
          percentileMs(latencies, 50),
          percentileMs(latencies, 99));
      assertThat(failed).isZero();
      assertThat(latencies).hasSize(clients);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Many clients behind one address, each doing one-shot exchanges, far beyond the host's session
   * cap: the finished sessions they leave behind make room, and no client's handshake in progress
   * is evicted by another's (the load generator found exactly that: 3% of exchanges lost once a
   * host's cap was reached).
   */
  @Test
  void concurrentOneShotsBeyondTheHostCapReclaimFinishedSessionsNotHandshakesInProgress()
      throws Exception {
    start(
        new UdpConsentResponder.Limits(
            10_000, 32, 2_000, 2_000.0, 1024, 4, Duration.ofSeconds(60), 8192),
        Clock.systemUTC());
    int clients = 16;
    int each = 40;
    UdpConsentInitiator initiator = initiator(Duration.ofSeconds(2));
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        results.add(
            pool.submit(
                () -> {
                  int allowed = 0;
                  for (int i = 0; i < each; i++) {
                    if (initiator.exchange(request()).decision() == ConsentDecision.ALLOW) {
                      allowed++;
                    }
                  }
                  return allowed;
                }));
      }
      int allowed = 0;
      for (Future<Integer> result : results) {
        allowed += result.get(60, TimeUnit.SECONDS);
      }
      UdpConsentResponder.Stats stats = responder.stats();
      System.out.printf(
          Locale.ROOT,
          "%d one-shot exchanges by %d concurrent clients behind one address, cap 32: %d answered,"
              + " %d sessions evicted, drops %s%n",
          clients * each,
          clients,
          allowed,
          stats.sessionsEvicted(),
          stats.droppedByReason());
      assertThat(allowed).isEqualTo(clients * each);
      assertThat(stats.sessionsEvicted()).isGreaterThan(clients * each - 64L);
      assertThat(stats.dropped(UdpConsentResponder.DropReason.EVICTED_HANDSHAKE)).isZero();
      assertThat(stats.dropped()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Exactly the bug, with the old defaults (64 sessions per host): 64 one-shots fill the
   * host's share; further handshakes are still answered; and once the idle timeout passes the
   * sessions are gone before anything else is checked, even with no traffic at all.
   */
  @Test
  void sessionsOfAHostAtItsCapExpireOnTimeAndItsHandshakesThenSucceed() throws Exception {
    MutableClock clock = new MutableClock(1_700_000_000_000L);
    Duration idle = Duration.ofSeconds(60);
    start(new UdpConsentResponder.Limits(10_000, 64, 20, 4.0, 1024, 4, idle, 8192), clock);
    UdpConsentInitiator initiator = initiator(Duration.ofSeconds(2));
    UdpConsentResponder.Stats stats = responder.stats();
    // Each exchange uses a new socket; the system may hand out a port again, so the counts below
    // are of distinct addresses, not of exchanges.
    for (int i = 0; i < 64; i++) {
      assertThat(initiator.exchange(request()).decision()).isEqualTo(ConsentDecision.ALLOW);
    }
    // At the cap: further one-shots are answered; the host's least recently used idle sessions
    // make room.
    for (int i = 0; i < 36; i++) {
      assertThat(initiator.exchange(request()).decision()).isEqualTo(ConsentDecision.ALLOW);
    }
    assertThat(responder.sessionCount()).isEqualTo(64);
    assertThat(stats.sessionsEvicted()).isPositive();
    assertThat(stats.refused()).isZero();
    long evicted = stats.sessionsEvicted();

    // The idle timeout passes with no traffic at all: the periodic sweep expires every session.
    clock.advance(idle.plusSeconds(1));
    awaitCount(stats::sessionsExpired, 64);
    assertThat(responder.sessionCount()).isZero();

    // New handshakes from the host succeed, and needed no eviction.
    for (int i = 0; i < 10; i++) {
      assertThat(initiator.exchange(request()).decision()).isEqualTo(ConsentDecision.ALLOW);
    }
    assertThat(stats.sessionsEvicted()).isEqualTo(evicted);

    // Expiry comes before the cap check even when the sweep has not run: fill the cap again, pass
    // the timeout and handshake at once: nothing is evicted, everything old has expired.
    for (int i = 0; i < 54; i++) {
      assertThat(initiator.exchange(request()).decision()).isEqualTo(ConsentDecision.ALLOW);
    }
    long live = responder.sessionCount();
    clock.advance(idle.plusSeconds(1));
    assertThat(initiator.exchange(request()).decision()).isEqualTo(ConsentDecision.ALLOW);
    assertThat(stats.sessionsEvicted()).isEqualTo(evicted);
    assertThat(stats.sessionsExpired()).isEqualTo(64 + live);
    assertThat(responder.sessionCount()).isEqualTo(1);
    assertThat(stats.refused()).isZero();
  }

  /** A handshake that never authenticates anything expires after the handshake timeout. */
  @Test
  void pendingHandshakesExpireAfterTheHandshakeTimeout() throws Exception {
    MutableClock clock = new MutableClock(1_700_000_000_000L);
    start(UdpConsentResponder.Limits.DEFAULT, clock);
    DatagramSocket peer = socket(HOST);
    send(peer, Handshake.Initiator.start(RANDOM).e1());
    assertThat(receiveOrNull(peer, 2000)).isNotNull();
    clock.advance(UdpConsentResponder.Limits.DEFAULT.handshakeTimeout().minusSeconds(1));
    assertThat(responder.sessionCount()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(2));
    awaitCount(responder.stats()::sessionsExpired, 1);
    assertThat(responder.sessionCount()).isZero();
  }

  /**
   * A sender floods E1s with forged sources 127.0.0.2 to 127.0.0.254 as fast as it can while an
   * honest peer on 127.0.0.1 keeps doing one-shot exchanges.
   */
  @Test
  @Heavy
  void anHonestPeerKeepsWorkingThroughAHandshakeFlood() throws Exception {
    List<DatagramSocket> flooders = new ArrayList<>();
    for (int last = 2; last <= 254; last++) {
      try {
        flooders.add(socket(loopback(last)));
      } catch (IOException e) {
        Assumptions.assumeTrue(
            false, "cannot bind 127.0.0." + last + " (needs all of 127/8 on loopback): " + e);
      }
    }
    start(UdpConsentResponder.Limits.DEFAULT, Clock.systemUTC());
    UdpConsentInitiator honest = initiator(Duration.ofSeconds(1));
    // The honest peer has worked before the flood starts (so its host counts as verified).
    assertThat(honest.exchange(request()).decision()).isEqualTo(ConsentDecision.ALLOW);

    byte[][] e1s = new byte[4096][];
    for (int i = 0; i < e1s.length; i++) {
      e1s[i] = new byte[Handshake.MESSAGE_LENGTH];
      RANDOM.nextBytes(e1s[i]);
      e1s[i][0] = Handshake.E1;
    }
    AtomicBoolean flooding = new AtomicBoolean(true);
    AtomicLong flooded = new AtomicLong();
    InetSocketAddress target = responder.localAddress();
    Thread flooder =
        Thread.ofPlatform()
            .name("e1-flood")
            .start(
                () -> {
                  DatagramPacket[] packets = new DatagramPacket[e1s.length];
                  for (int i = 0; i < e1s.length; i++) {
                    packets[i] = new DatagramPacket(e1s[i], e1s[i].length, target);
                  }
                  long sent = 0;
                  while (flooding.get()) {
                    try {
                      flooders
                          .get((int) (sent % flooders.size()))
                          .send(packets[(int) (sent % packets.length)]);
                      sent++;
                      if ((sent & 1023) == 0) {
                        flooded.set(sent);
                      }
                    } catch (IOException e) {
                      // ENOBUFS and the like: keep flooding.
                    }
                  }
                  flooded.set(sent);
                });

    long floodMs = 10_000;
    long start = System.nanoTime();
    long end = start + TimeUnit.MILLISECONDS.toNanos(floodMs);
    List<Long> latencies = new ArrayList<>();
    int attempts = 0;
    try {
      Thread.sleep(200); // let the flood reach its rate first
      while (System.nanoTime() < end) {
        attempts++;
        long t0 = System.nanoTime();
        try {
          if (honest.exchange(request()).decision() == ConsentDecision.ALLOW) {
            latencies.add(System.nanoTime() - t0);
          }
        } catch (ConsentExchangeException | IOException e) {
          // counted as a failure
        }
      }
    } finally {
      flooding.set(false);
      flooder.join(5_000);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    UdpConsentResponder.Stats stats = responder.stats();
    double success = 100.0 * latencies.size() / attempts;
    System.out.printf(
        Locale.ROOT,
        "handshake flood: %.0f E1/s sent from %d forged sources for %.1f s (%d received by the"
            + " responder); honest peer: %d/%d exchanges (%.1f%%), p50 %.2f ms, p99 %.2f ms;"
            + " handshakes answered %d, refused by the global budget %d, by host rate %d, by"
            + " the worker queue %d; drops %s%n",
        flooded.get() / seconds,
        flooders.size(),
        seconds,
        stats.datagrams(),
        latencies.size(),
        attempts,
        success,
        percentileMs(latencies, 50),
        percentileMs(latencies, 99),
        stats.handshakes(),
        stats.dropped(UdpConsentResponder.DropReason.REFUSED_HANDSHAKE_BUDGET),
        stats.dropped(UdpConsentResponder.DropReason.REFUSED_HOST_RATE),
        stats.dropped(UdpConsentResponder.DropReason.REFUSED_HANDSHAKE_QUEUE),
        stats.droppedByReason());
    assertThat(flooded.get()).isGreaterThan(10_000);
    assertThat(stats.dropped(UdpConsentResponder.DropReason.REFUSED_HANDSHAKE_BUDGET)).isPositive();
    assertThat(success).isGreaterThanOrEqualTo(95.0);
  }

  /**
   * E1s forged with the victim's host (other ports) and exact address (its own port) neither
   * replace its established session nor keep it from starting over. The host's allowance refills so
   * slowly here that only the address's own allowance can pay for the victim's new handshake.
   */
  @Test
  void forgedE1sFromAVictimsHostDoNotReplaceItsSessionNorLockItOut() throws Exception {
    start(
        new UdpConsentResponder.Limits(
            10_000, 1024, 20, 0.001, 1024, 4, Duration.ofSeconds(60), 8192),
        Clock.systemUTC());
    UdpConsentResponder.Stats stats = responder.stats();
    DatagramSocket victim = socket(HOST);
    SealedSession established = handshake(victim, Handshake.Initiator.start(RANDOM));
    assertThat(exchange(victim, established)).isNotNull();

    // 30 forged E1s from other ports of the victim's host: more than the host's whole allowance.
    for (int i = 0; i < 30; i++) {
      DatagramSocket forger = socket(HOST);
      send(forger, Handshake.Initiator.start(RANDOM).e1());
    }
    // ...and 2 from the victim's exact address (its own socket, as a spoofer appears).
    for (int i = 0; i < 2; i++) {
      send(victim, Handshake.Initiator.start(RANDOM).e1());
    }
    awaitCount(() -> stats.handshakes() + stats.refused(), 1 + 30 + 2);
    assertThat(stats.dropped(UdpConsentResponder.DropReason.REFUSED_HOST_RATE)).isEqualTo(10);
    drain(victim);

    // The established session still answers.
    assertThat(exchange(victim, established)).isNotNull();

    // The victim starts over from its own address: the address's allowance pays, although the
    // forgeries spent the host's; the new session replaces the old one once it authenticates.
    SealedSession renewed = handshake(victim, Handshake.Initiator.start(RANDOM));
    assertThat(exchange(victim, renewed)).isNotNull();
    long unauthenticated = stats.dropped(UdpConsentResponder.DropReason.UNAUTHENTICATED);
    send(
        victim,
        established.seal(FrameType.CONTROL, request().toJson().getBytes(StandardCharsets.UTF_8)));
    awaitCount(
        () -> stats.dropped(UdpConsentResponder.DropReason.UNAUTHENTICATED), unauthenticated + 1);
    assertThat(exchange(victim, renewed)).isNotNull();
  }

  /**
   * Forged E1s from a peer's exact address while its own handshake is pending do not replace it.
   */
  @Test
  void forgedE1sDoNotReplaceAPendingHandshakeAndForgeriesFromOtherPortsPass() throws Exception {
    start(UdpConsentResponder.Limits.DEFAULT, Clock.systemUTC());
    DatagramSocket peer = socket(HOST);
    Handshake.Initiator mine = Handshake.Initiator.start(RANDOM);
    send(peer, mine.e1());
    byte[] e2 = receiveOrNull(peer, 2000);
    assertThat(e2).isNotNull();
    int forged = UdpConsentResponder.Limits.DEFAULT.maxPendingHandshakesPerAddress() - 1;
    for (int i = 0; i < forged; i++) {
      send(peer, Handshake.Initiator.start(RANDOM).e1());
    }
    awaitCount(responder.stats()::handshakes, 1 + forged);
    drain(peer);
    SealedSession pending = SealedSession.initiator(mine.finish(e2), RANDOM);
    assertThat(exchange(peer, pending)).isNotNull();

    // 300 forged E1s from other ports of the host (more than its burst): once they stop, one-shots
    // from the host (new ports) go through again as the allowance refills.
    for (int i = 0; i < 300; i++) {
      send(socket(HOST), Handshake.Initiator.start(RANDOM).e1());
    }
    Thread.sleep(500);
    assertThat(initiator(Duration.ofSeconds(2)).exchange(request()).decision())
        .isEqualTo(ConsentDecision.ALLOW);
    assertThat(exchange(peer, pending)).isNotNull();
  }

  // ---- helpers ----

  private void start(UdpConsentResponder.Limits limits, Clock clock) throws IOException {
    responder =
        UdpConsentResponder.start(
            new InetSocketAddress(HOST, 0),
            (request, from) -> ConsentResponse.allow(RESPONDER, request, 1000, request.tsMs()),
            executor,
            limits,
            clock);
  }

  private UdpConsentInitiator initiator(Duration timeout) {
    return new UdpConsentInitiator(responder.localAddress(), timeout, 3, RANDOM);
  }

  private static ConsentRequest request() {
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    long now = System.currentTimeMillis();
    return ConsentRequest.sign(REQUESTER, "ab".repeat(32), "indexing", now + 60_000, now, nonce);
  }

  /** One request over an existing session; the decoded response, or null if none came. */
  private ConsentResponse exchange(DatagramSocket socket, SealedSession session) throws Exception {
    send(
        socket,
        session.seal(FrameType.CONTROL, request().toJson().getBytes(StandardCharsets.UTF_8)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < deadline) {
      byte[] reply = receiveOrNull(socket, 500);
      if (reply != null && reply[0] == SealedSession.FRAME_TAG) {
        return ConsentResponse.parse(session.open(reply, FrameType.CONTROL));
      }
    }
    return null;
  }

  private SealedSession handshake(DatagramSocket peer, Handshake.Initiator initiator)
      throws Exception {
    send(peer, initiator.e1());
    byte[] e2 = receiveOrNull(peer, 2000);
    assertThat(e2).isNotNull();
    return SealedSession.initiator(initiator.finish(e2), RANDOM);
  }

  private static void drain(DatagramSocket socket) throws IOException {
    while (receiveOrNull(socket, 100) != null) {
      // discard
    }
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

  private static double percentileMs(List<Long> nanos, int percentile) {
    if (nanos.isEmpty()) {
      return Double.NaN;
    }
    List<Long> sorted = new ArrayList<>(nanos);
    sorted.sort(null);
    int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
  }

  private static void awaitCount(LongSupplier counter, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (counter.getAsLong() < expected && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(counter.getAsLong()).isEqualTo(expected);
  }

  private static InetAddress loopback(int last) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A clock the test moves by hand. */
  private static final class MutableClock extends Clock {
    private final AtomicLong millis;

    MutableClock(long startMs) {
      this.millis = new AtomicLong(startMs);
    }

    void advance(Duration by) {
      millis.addAndGet(by.toMillis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }
}
