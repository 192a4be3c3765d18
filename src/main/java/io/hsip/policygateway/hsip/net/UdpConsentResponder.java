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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers consent requests over UDP in the CLI dialect, for many peers at once: a hardened version of
 * the reference's {@code consent-listen} (hsip-protocol.md §5.1, §11.13).
 *
 * <p>Each source address gets its own session; an E1 from an address starts (or, if identical,
 * re-answers) its handshake; sealed CONTROL frames are opened in that address's session only. Every
 * decoded request goes to the {@link Handler}, whose response is sealed back. Nothing a peer sends can
 * stop the receive loop: malformed datagrams are counted and dropped. The session table is bounded
 * (least recently used sessions are evicted) and idle sessions expire.
 */
public final class UdpConsentResponder implements AutoCloseable {

  /** Decides consent requests. Called on the responder's executor, never on the receive loop. */
  public interface Handler {
    /** The signed answer to a well-formed request; implementations decide validity themselves. */
    ConsentResponse onRequest(ConsentRequest request, InetSocketAddress from);

    /** A CONTROL frame that authenticated but held no well-formed request. */
    default void onMalformedRequest(InetSocketAddress from, String reason) {}
  }

  /**
   * Limits.
   *
   * @param maxSessions how many peer sessions are kept; the least recently used is evicted beyond
   * @param idleTimeout sessions unused this long are dropped
   * @param maxDatagramBytes larger datagrams are dropped unread
   */
  public record Limits(int maxSessions, Duration idleTimeout, int maxDatagramBytes) {
    /** Defaults: 10,000 sessions, 60 s idle, 8 KiB datagrams (a request is under 600 bytes). */
    public static final Limits DEFAULT = new Limits(10_000, Duration.ofSeconds(60), 8192);
  }

  /** Counters for monitoring; all monotonic. */
  public static final class Stats {
    final AtomicLong datagrams = new AtomicLong();
    final AtomicLong handshakes = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong responses = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
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

    /** Handler calls that threw or could not be scheduled (for a request: no response was sent). */
    public long handlerFailures() {
      return handlerFailures.get();
    }
  }

  private static final class PeerSession {
    final byte[] e1;
    final byte[] e2;
    final SealedSession session;
    volatile long lastUsedMs;

    PeerSession(byte[] e1, byte[] e2, SealedSession session, long nowMs) {
      this.e1 = e1;
      this.e2 = e2;
      this.session = session;
      this.lastUsedMs = nowMs;
    }
  }

  private final DatagramSocket socket;
  private final Handler handler;
  private final Executor executor;
  private final Limits limits;
  private final Clock clock;
  private final SecureRandom random;
  private final Stats stats = new Stats();
  private final Map<SocketAddress, PeerSession> sessions;
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
    this.sessions = new LinkedHashMap<>(256, 0.75f, true);
    this.receiver = Thread.ofPlatform().name("hsip-consent-responder").daemon().unstarted(this::receiveLoop);
  }

  /** Binds {@code address} and starts answering. */
  public static UdpConsentResponder start(
      InetSocketAddress address, Handler handler, Executor executor, Limits limits, Clock clock)
      throws SocketException {
    return start(address, handler, executor, limits, clock, new SecureRandom());
  }

  /**
   * Binds {@code address} and starts answering, drawing ephemeral keys and nonce prefixes from {@code
   * random} (a scripted source lets known-answer tests reproduce the reference's bytes exactly).
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
        new UdpConsentResponder(new DatagramSocket(address), handler, executor, limits, clock, random);
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

  /** Number of sessions currently held. */
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
        // A transient receive error on UDP (e.g. ICMP port unreachable surfaced late): keep serving.
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
        // This thread is the only receiver: a parser that throws unchecked on some peer's bytes (a bug, but
        // one a peer can trigger at will) must cost that datagram, not the whole responder.
        stats.dropped.incrementAndGet();
      }
    }
  }

  private void onE1(byte[] datagram, InetSocketAddress from) {
    if (!Handshake.isE1(datagram, datagram.length)) {
      // Checked before the retransmission test: a prefix of the stored E1 (even the lone 0xE1 byte) must
      // not be answered with the 33-byte E2.
      stats.dropped.incrementAndGet();
      return;
    }
    byte[] e1 = Arrays.copyOf(datagram, Handshake.MESSAGE_LENGTH);
    long now = clock.millis();
    PeerSession existing;
    synchronized (sessions) {
      existing = sessions.get(from);
    }
    if (existing != null && Arrays.equals(existing.e1, 0, e1.length, e1, 0, e1.length)) {
      // A retransmitted E1: answer with the same E2 so the initiator's key still matches ours.
      send(existing.e2, from);
      return;
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
      sessions.put(from, session);
      evict(now);
    }
    stats.handshakes.incrementAndGet();
    send(session.e2, from);
  }

  private void onFrame(byte[] datagram, InetSocketAddress from) {
    long now = clock.millis();
    PeerSession peer;
    synchronized (sessions) {
      peer = sessions.get(from);
      if (peer != null && now - peer.lastUsedMs > limits.idleTimeout().toMillis()) {
        sessions.remove(from);
        peer = null;
      }
    }
    if (peer == null) {
      stats.dropped.incrementAndGet();
      return;
    }
    byte[] plaintext;
    try {
      plaintext = peer.session.open(datagram, FrameType.CONTROL);
    } catch (FrameException e) {
      stats.dropped.incrementAndGet();
      return;
    }
    peer.lastUsedMs = now;
    ConsentRequest request;
    try {
      request = ConsentRequest.parse(plaintext);
    } catch (ConsentParseException e) {
      stats.dropped.incrementAndGet();
      String reason = e.getMessage();
      // On the executor like every handler call, so a failing or slow callback cannot stop this loop.
      execute(() -> reportMalformed(from, reason));
      return;
    }
    stats.requests.incrementAndGet();
    SealedSession session = peer.session;
    execute(() -> answer(session, request, from));
  }

  private void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      stats.handlerFailures.incrementAndGet();
    }
  }

  private void reportMalformed(InetSocketAddress from, String reason) {
    try {
      handler.onMalformedRequest(from, reason);
    } catch (RuntimeException e) {
      stats.handlerFailures.incrementAndGet();
    }
  }

  private void answer(SealedSession session, ConsentRequest request, InetSocketAddress from) {
    ConsentResponse response;
    try {
      response = handler.onRequest(request, from);
    } catch (RuntimeException e) {
      // The handler owns its failure handling (deny and audit); here we only refuse to send garbage.
      stats.handlerFailures.incrementAndGet();
      return;
    }
    byte[] frame = session.seal(FrameType.CONTROL, response.toJson().getBytes(StandardCharsets.UTF_8));
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

  /** Drops idle sessions and, beyond the limit, the least recently used ones. Holds the lock. */
  private void evict(long now) {
    long idle = limits.idleTimeout().toMillis();
    Iterator<PeerSession> it = sessions.values().iterator();
    while (it.hasNext()) {
      PeerSession s = it.next();
      if (sessions.size() > limits.maxSessions() || now - s.lastUsedMs > idle) {
        it.remove();
      } else {
        break;
      }
    }
  }
}
