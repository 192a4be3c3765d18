package io.hsip.policygateway.hsip.net;

import io.hsip.policygateway.hsip.consent.ConsentParseException;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.session.FrameException;
import io.hsip.policygateway.hsip.session.FrameType;
import io.hsip.policygateway.hsip.session.Handshake;
import io.hsip.policygateway.hsip.session.HandshakeException;
import io.hsip.policygateway.hsip.session.SealedSession;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Answers consent requests over UDP in the CLI dialect, for many peers at once: a hardened version
 * of the reference's {@code consent-listen} (docs/protocol.md#udp-consent-exchange and
 * #listener-bound-to-the-first-peer).
 *
 * <p>Each source address gets its own session; an E1 from an address starts (or, if identical,
 * re-answers) its handshake; sealed CONTROL frames are opened in that address's session only. Every
 * decoded request goes to the {@link Handler}, whose response is sealed back. Nothing a peer sends
 * can stop the receive loop: malformed datagrams are counted and dropped. Memory and work are
 * bounded by {@link Limits}: sessions in all and per host, a per-host handshake rate (each
 * handshake costs key agreement on the receive thread), and requests in flight in all and per
 * session. Idle sessions expire when next touched or when a handshake makes room. A flood from many
 * hosts at once still needs protection in front of the service (network rate limits); these limits
 * keep one host from starving the others.
 */
public final class UdpConsentResponder implements AutoCloseable {

  /** Decides consent requests. Called on the responder's executor, never on the receive loop. */
  public interface Handler {
    /** The signed answer to a well-formed request; implementations decide validity themselves. */
    ConsentResponse onRequest(ConsentRequest request, InetSocketAddress from);

    /**
     * The answer sent: by default {@link #onRequest}'s response without a reason. A handler that
     * can say why it denied overrides this.
     */
    default Answer answer(ConsentRequest request, InetSocketAddress from) {
      return new Answer(onRequest(request, from), null);
    }

    /** A CONTROL frame that authenticated but held no well-formed request. */
    default void onMalformedRequest(InetSocketAddress from, String reason) {}
  }

  /**
   * What is sent back for one request.
   *
   * @param response the signed response
   * @param reason a machine-readable reason code sent beside it as the unsigned {@code reason}
   *     member (docs/protocol.md#deny-reasons), or null to send the response alone
   */
  public record Answer(ConsentResponse response, @Nullable String reason) {}

  /**
   * Limits. A "host" is an IPv4 address or an IPv6 /64, so one machine cannot claim more than its
   * share by using many source ports or addresses of one prefix.
   *
   * @param maxSessions sessions kept in all; the least recently used is evicted beyond
   * @param maxSessionsPerHost sessions one host may hold; its further handshakes are refused
   * @param handshakeBurst handshakes (each costs two X25519 operations) one host may start at once
   * @param handshakesPerSecond the rate at which a host's handshake allowance refills
   * @param maxRequestsInFlight requests being decided at once, in all; more are dropped unanswered
   * @param maxRequestsInFlightPerSession requests of one session being decided at once
   * @param idleTimeout sessions unused this long are dropped
   * @param maxDatagramBytes larger datagrams are dropped unread
   */
  public record Limits(
      int maxSessions,
      int maxSessionsPerHost,
      int handshakeBurst,
      double handshakesPerSecond,
      int maxRequestsInFlight,
      int maxRequestsInFlightPerSession,
      Duration idleTimeout,
      int maxDatagramBytes) {

    /**
     * Defaults: 10,000 sessions, 64 per host, a burst of 20 handshakes per host refilling at 4/s
     * (the reference's unused guard allows 20 per 5 s), 1,024 requests in flight, 4 per session, 60
     * s idle, 8 KiB datagrams (a request is under 600 bytes).
     */
    public static final Limits DEFAULT =
        new Limits(10_000, 64, 20, 4.0, 1024, 4, Duration.ofSeconds(60), 8192);

    /** Validates the limits. */
    public Limits {
      if (maxSessions < 1
          || maxSessionsPerHost < 1
          || handshakeBurst < 1
          || !(handshakesPerSecond > 0)
          || maxRequestsInFlight < 1
          || maxRequestsInFlightPerSession < 1
          || maxDatagramBytes < 1
          || idleTimeout.isNegative()
          || idleTimeout.isZero()) {
        throw new IllegalArgumentException("every responder limit must be positive");
      }
    }
  }

  /** Counters for monitoring; all monotonic. */
  public static final class Stats {
    final AtomicLong datagrams = new AtomicLong();
    final AtomicLong handshakes = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong responses = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong handlerFailures = new AtomicLong();

    /** Datagrams received. */
    public long datagrams() {
      return datagrams.get();
    }

    /** Handshakes answered. */
    public long handshakes() {
      return handshakes.get();
    }

    /** Well-formed requests passed to the handler. */
    public long requests() {
      return requests.get();
    }

    /** Responses sent. */
    public long responses() {
      return responses.get();
    }

    /** Datagrams dropped (malformed, unauthenticated, replayed, oversized, unknown peer). */
    public long dropped() {
      return dropped.get();
    }

    /**
     * Handshakes and requests refused by a limit (per-host sessions or rate, requests in flight).
     */
    public long refused() {
      return refused.get();
    }

    /** Handler calls that threw or could not be scheduled (for a request: no response was sent). */
    public long handlerFailures() {
      return handlerFailures.get();
    }
  }

  /** One handshake's session with a peer address. */
  private static final class PeerSession {
    final byte[] e1;
    final byte[] e2;
    final SealedSession session;
    final AtomicInteger inFlight = new AtomicInteger();
    volatile long lastUsedMs;
    volatile boolean established;

    PeerSession(byte[] e1, byte[] e2, SealedSession session, long nowMs) {
      this.e1 = e1;
      this.e2 = e2;
      this.session = session;
      this.lastUsedMs = nowMs;
    }
  }

  /**
   * What an address holds: its session and, after an E1 with another key arrived for an established
   * session, the new handshake's session. The handshake is unauthenticated, so anyone who can put
   * the peer's address on a datagram can send that E1: the established session keeps working until
   * the new one authenticates a frame (and so proves the peer really started over).
   */
  private static final class PeerEntry {
    final HostKey host;
    PeerSession current;
    @Nullable PeerSession pending;

    PeerEntry(HostKey host, PeerSession current) {
      this.host = host;
      this.current = current;
    }

    long lastUsedMs() {
      PeerSession p = pending;
      return p == null ? current.lastUsedMs : Math.max(current.lastUsedMs, p.lastUsedMs);
    }
  }

  /** An IPv4 address, or the /64 prefix of an IPv6 address. */
  private record HostKey(String value) {
    static HostKey of(InetSocketAddress address) {
      byte[] ip = address.getAddress().getAddress();
      return new HostKey(HexFormat.of().formatHex(ip.length == 16 ? Arrays.copyOf(ip, 8) : ip));
    }
  }

  /** A host's session count and handshake allowance (a token bucket). */
  private static final class HostState {
    int sessions;
    double tokens;
    long refilledAtMs;

    HostState(double tokens, long nowMs) {
      this.tokens = tokens;
      this.refilledAtMs = nowMs;
    }
  }

  private final DatagramSocket socket;
  private final Handler handler;
  private final Executor executor;
  private final Limits limits;
  private final Clock clock;
  private final SecureRandom random;
  private final Stats stats = new Stats();

  /**
   * Sessions by peer address, least recently used first. Guarded by itself, as is {@link #hosts}.
   */
  private final LinkedHashMap<SocketAddress, PeerEntry> sessions =
      new LinkedHashMap<>(256, 0.75f, true);

  private final LinkedHashMap<HostKey, HostState> hosts = new LinkedHashMap<>(256, 0.75f, true);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Thread receiver;
  private volatile boolean closed;

  private UdpConsentResponder(
      DatagramSocket socket,
      Handler handler,
      Executor executor,
      Limits limits,
      Clock clock,
      SecureRandom random) {
    this.socket = socket;
    this.random = random;
    this.handler = handler;
    this.executor = executor;
    this.limits = limits;
    this.clock = clock;
    this.receiver =
        Thread.ofPlatform().name("hsip-consent-responder").daemon().unstarted(this::receiveLoop);
  }

  /** Binds {@code address} and starts answering. */
  public static UdpConsentResponder start(
      InetSocketAddress address, Handler handler, Executor executor, Limits limits, Clock clock)
      throws SocketException {
    return start(address, handler, executor, limits, clock, new SecureRandom());
  }

  /**
   * Binds {@code address} and starts answering, drawing ephemeral keys and nonce prefixes from
   * {@code random} (a scripted source lets known-answer tests reproduce the reference's bytes
   * exactly).
   */
  public static UdpConsentResponder start(
      InetSocketAddress address,
      Handler handler,
      Executor executor,
      Limits limits,
      Clock clock,
      SecureRandom random)
      throws SocketException {
    UdpConsentResponder responder =
        new UdpConsentResponder(
            new DatagramSocket(address), handler, executor, limits, clock, random);
    responder.receiver.start();
    return responder;
  }

  /** The bound address (useful when binding port 0). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** Live counters. */
  public Stats stats() {
    return stats;
  }

  /** Number of peer addresses with a session. */
  public int sessionCount() {
    synchronized (sessions) {
      return sessions.size();
    }
  }

  @Override
  public void close() {
    closed = true;
    socket.close();
    try {
      receiver.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void receiveLoop() {
    byte[] buffer = new byte[65_535];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (IOException e) {
        if (closed) {
          return;
        }
        // A transient receive error on UDP (e.g. ICMP port unreachable surfaced late): keep
        // serving, but do not spin if the error persists.
        pause();
        continue;
      }
      stats.datagrams.incrementAndGet();
      InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
      int length = packet.getLength();
      if (length > limits.maxDatagramBytes() || length == 0) {
        stats.dropped.incrementAndGet();
        continue;
      }
      byte[] datagram = Arrays.copyOf(buffer, length);
      try {
        if (datagram[0] == Handshake.E1) {
          onE1(datagram, from);
        } else if (datagram[0] == SealedSession.FRAME_TAG) {
          onFrame(datagram, from);
        } else {
          stats.dropped.incrementAndGet();
        }
      } catch (RuntimeException e) {
        // This thread is the only receiver: a parser that throws unchecked on some peer's bytes (a
        // bug, but one a peer can trigger at will) must cost that datagram, not the whole
        // responder.
        stats.dropped.incrementAndGet();
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void onE1(byte[] datagram, InetSocketAddress from) {
    if (!Handshake.isE1(datagram, datagram.length)) {
      // Checked before the retransmission test: a prefix of the stored E1 (even the lone 0xE1 byte)
      // must not be answered with the 33-byte E2.
      stats.dropped.incrementAndGet();
      return;
    }
    byte[] e1 = Arrays.copyOf(datagram, Handshake.MESSAGE_LENGTH);
    long now = clock.millis();
    HostKey host = HostKey.of(from);
    PeerEntry entry;
    synchronized (sessions) {
      entry = sessions.get(from);
      PeerSession same = entry == null ? null : sameHandshake(entry, e1);
      if (same != null) {
        // A retransmitted E1: answer with the same E2 so the initiator's key still matches ours.
        // Costs no key agreement, so it draws nothing from the host's allowance.
        send(same.e2, from);
        return;
      }
      if (entry == null && hostSessions(host) >= limits.maxSessionsPerHost()) {
        stats.refused.incrementAndGet();
        return;
      }
      if (!takeHandshakeToken(host, now)) {
        stats.refused.incrementAndGet();
        return;
      }
    }
    Handshake.Response response;
    try {
      response = Handshake.respond(datagram, random);
    } catch (HandshakeException e) {
      stats.dropped.incrementAndGet();
      return;
    }
    PeerSession session =
        new PeerSession(e1, response.e2(), SealedSession.responder(response.key(), random), now);
    synchronized (sessions) {
      PeerEntry existing = sessions.get(from);
      if (existing == null) {
        sessions.put(from, new PeerEntry(host, session));
        hosts.computeIfAbsent(host, h -> new HostState(limits.handshakeBurst(), now)).sessions++;
      } else if (existing.current.established) {
        existing.pending = session;
      } else {
        existing.current = session;
        existing.pending = null;
      }
      evict(now);
    }
    stats.handshakes.incrementAndGet();
    send(session.e2, from);
  }

  private static @Nullable PeerSession sameHandshake(PeerEntry entry, byte[] e1) {
    if (sameBytes(entry.current.e1, e1)) {
      return entry.current;
    }
    PeerSession pending = entry.pending;
    return pending != null && sameBytes(pending.e1, e1) ? pending : null;
  }

  /** E1 messages are public; a plain comparison of their fixed 33 bytes is fine. */
  private static boolean sameBytes(byte[] a, byte[] b) {
    return a.length == b.length && Arrays.equals(a, 0, a.length, b, 0, b.length);
  }

  private void onFrame(byte[] datagram, InetSocketAddress from) {
    long now = clock.millis();
    PeerEntry entry;
    synchronized (sessions) {
      entry = sessions.get(from);
      if (entry != null && now - entry.lastUsedMs() > limits.idleTimeout().toMillis()) {
        remove(from, entry);
        entry = null;
      }
    }
    if (entry == null) {
      stats.dropped.incrementAndGet();
      return;
    }
    PeerSession peer = entry.current;
    byte[] plaintext;
    try {
      plaintext = peer.session.open(datagram, FrameType.CONTROL);
    } catch (FrameException e) {
      PeerSession pending = entry.pending;
      plaintext = pending == null ? null : openOrNull(pending, datagram);
      if (plaintext == null) {
        stats.dropped.incrementAndGet();
        return;
      }
      // The new handshake authenticated a frame: the peer did start over, so it replaces the old
      // session.
      synchronized (sessions) {
        entry.current = pending;
        entry.pending = null;
      }
      peer = pending;
    }
    peer.established = true;
    peer.lastUsedMs = now;
    ConsentRequest request;
    try {
      request = ConsentRequest.parse(plaintext);
    } catch (ConsentParseException e) {
      stats.dropped.incrementAndGet();
      String reason = e.getMessage();
      // On the executor like every handler call, so a failing or slow callback cannot stop this
      // loop.
      execute(() -> reportMalformed(from, reason));
      return;
    }
    if (!reserveInFlight(peer)) {
      stats.refused.incrementAndGet();
      return;
    }
    stats.requests.incrementAndGet();
    PeerSession answering = peer;
    if (!execute(() -> answer(answering, request, from))) {
      releaseInFlight(answering);
    }
  }

  private static byte @Nullable [] openOrNull(PeerSession peer, byte[] datagram) {
    try {
      return peer.session.open(datagram, FrameType.CONTROL);
    } catch (FrameException e) {
      return null;
    }
  }

  private boolean reserveInFlight(PeerSession peer) {
    if (inFlight.incrementAndGet() > limits.maxRequestsInFlight()) {
      inFlight.decrementAndGet();
      return false;
    }
    if (peer.inFlight.incrementAndGet() > limits.maxRequestsInFlightPerSession()) {
      peer.inFlight.decrementAndGet();
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  private void releaseInFlight(PeerSession peer) {
    peer.inFlight.decrementAndGet();
    inFlight.decrementAndGet();
  }

  private boolean execute(Runnable task) {
    try {
      executor.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      stats.handlerFailures.incrementAndGet();
      return false;
    }
  }

  private void reportMalformed(InetSocketAddress from, String reason) {
    try {
      handler.onMalformedRequest(from, reason);
    } catch (RuntimeException e) {
      stats.handlerFailures.incrementAndGet();
    }
  }

  private void answer(PeerSession peer, ConsentRequest request, InetSocketAddress from) {
    Answer response;
    try {
      response = handler.answer(request, from);
    } catch (RuntimeException e) {
      // The handler owns its failure handling (deny and audit); here we only refuse to send
      // garbage.
      stats.handlerFailures.incrementAndGet();
      return;
    } finally {
      releaseInFlight(peer);
    }
    byte[] frame =
        peer.session.seal(
            FrameType.CONTROL,
            response.response().toJson(response.reason()).getBytes(StandardCharsets.UTF_8));
    if (send(frame, from)) {
      stats.responses.incrementAndGet();
    }
  }

  private boolean send(byte[] datagram, InetSocketAddress to) {
    try {
      socket.send(new DatagramPacket(datagram, datagram.length, to));
      return true;
    } catch (IOException e) {
      stats.dropped.incrementAndGet();
      return false;
    }
  }

  /** Holds the lock. */
  private int hostSessions(HostKey host) {
    HostState state = hosts.get(host);
    return state == null ? 0 : state.sessions;
  }

  /** Takes one handshake token from the host's bucket, refilling it first. Holds the lock. */
  private boolean takeHandshakeToken(HostKey host, long now) {
    HostState state = hosts.get(host);
    if (state == null) {
      state = new HostState(limits.handshakeBurst(), now);
      hosts.put(host, state);
      trimHosts();
    }
    double refill = (now - state.refilledAtMs) / 1000.0 * limits.handshakesPerSecond();
    state.tokens = Math.min(limits.handshakeBurst(), state.tokens + Math.max(0, refill));
    state.refilledAtMs = now;
    if (state.tokens < 1) {
      return false;
    }
    state.tokens -= 1;
    return true;
  }

  /**
   * Forgets the least recently seen hosts that hold no session, beyond one per possible session.
   * Holds the lock.
   */
  private void trimHosts() {
    Iterator<HostState> it = hosts.values().iterator();
    while (hosts.size() > limits.maxSessions() && it.hasNext()) {
      if (it.next().sessions == 0) {
        it.remove();
      }
    }
  }

  /** Holds the lock. */
  private void remove(SocketAddress address, PeerEntry entry) {
    sessions.remove(address);
    HostState state = hosts.get(entry.host);
    if (state != null) {
      state.sessions--;
    }
  }

  /** Drops idle sessions and, beyond the limit, the least recently used ones. Holds the lock. */
  private void evict(long now) {
    long idle = limits.idleTimeout().toMillis();
    Iterator<Map.Entry<SocketAddress, PeerEntry>> it = sessions.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<SocketAddress, PeerEntry> e = it.next();
      if (sessions.size() > limits.maxSessions() || now - e.getValue().lastUsedMs() > idle) {
        it.remove();
        HostState state = hosts.get(e.getValue().host);
        if (state != null) {
          state.sessions--;
        }
      } else {
        break;
      }
    }
  }
}
