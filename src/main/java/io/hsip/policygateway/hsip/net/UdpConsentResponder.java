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
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Answers consent requests over UDP in the CLI dialect, for many peers at once: a hardened version
 * of the reference's {@code consent-listen} (docs/protocol.md#udp-consent-exchange,
 * #listener-bound-to-the-first-peer and #handshake-floods-and-nat).
 *
 * <p>Each source address (IP and port) holds at most one <em>established</em> session (one that has
 * authenticated a frame) and a few <em>pending</em> handshakes (answered with an E2, nothing
 * authenticated yet). Sealed CONTROL frames are opened only in the sessions of their source
 * address; every decoded request goes to the {@link Handler} on the caller's executor and its
 * answer is sealed back. Nothing a peer sends can stop the receive loop: malformed datagrams are
 * counted by reason ({@link Stats#droppedByReason()}) and dropped.
 *
 * <p><b>The receive loop is cheap.</b> It only classifies datagrams, looks up sessions, opens
 * frames (one AEAD per candidate session) and draws tokens. The expensive part of a handshake, key
 * generation and X25519 agreement (two scalar multiplications, some 100-600 µs), runs on a small
 * bounded pool of handshake workers ({@link Limits#handshakeWorkers()} threads) fed by two bounded
 * queues ({@link Limits#handshakeQueue()} each): handshakes from verified hosts (hosts that
 * authenticated a frame within the idle timeout) are served first, so a flood queued ahead of them
 * does not delay them. The E2 is sent by the worker once the session key exists, so a peer can
 * never seal a frame under a key we do not have yet. A full queue refuses further E1s.
 *
 * <p><b>What is bounded.</b> Sessions in all ({@link Limits#maxSessions()}), per host ({@link
 * Limits#maxSessionsPerHost()}; a host is an IPv4 address or an IPv6 /64) and pending handshakes
 * per address ({@link Limits#maxPendingHandshakesPerAddress()}); handshakes started per second in
 * all (a global token bucket, {@link Limits#globalHandshakesPerSecond()}) and unauthenticated
 * handshakes per host (a per-host bucket, {@link Limits#handshakesPerSecond()}); requests in flight
 * in all and per session, including malformed-request callbacks; datagram size.
 *
 * <p><b>Sessions expire on time whatever happens next.</b> Pending handshakes expire after {@link
 * Limits#handshakeTimeout()}, established sessions after {@link Limits#idleTimeout()} without an
 * authenticated frame. Expired sessions are removed before anything else is checked on every
 * datagram, and once a second when nothing arrives.
 *
 * <p><b>Caps evict rather than refuse.</b> When a host (or the whole table) is full, a new
 * handshake evicts that host's (or the table's) stale never-authenticated handshakes first (older
 * than a second: lost or forged), then its least recently used established session that has no
 * request in flight (a one-shot client's finished session), and only then its oldest handshake in
 * progress. A handshake is refused for room only when every session of the host has a request being
 * decided. So a busy client doing one-shot exchanges (the reference CLI uses a new source port for
 * each) or an office behind one NAT address is never locked out by the sessions it leaves behind.
 *
 * <p><b>What a flood can and cannot do.</b> E1 is unauthenticated, so its source address may be
 * forged. A flood of E1s (from any number of forged addresses) costs the receive loop a lookup and
 * a few token checks per datagram and costs at most {@code globalHandshakesPerSecond} handshakes a
 * second of CPU on the workers; the rest are refused, counted and unanswered. It cannot replace or
 * evict an address's established session (a new handshake from an address becomes pending and
 * replaces the established one only when it authenticates a frame; at a cap, never-authenticated
 * handshakes go first), and it cannot spend the share of the global budget reserved for hosts that
 * authenticated a frame within the idle timeout ({@link Limits#verifiedReserve()}): those keep
 * starting handshakes while the rest of the budget is exhausted. A handshake that authenticates
 * returns its token to its host's bucket, so honest use never drains a host's allowance; forged E1s
 * from other hosts never touch it; and an address holding an established session has a small
 * allowance of its own ({@link Limits#maxPendingHandshakesPerAddress()} handshakes, refilling one a
 * second) that E1s forged from the host's other ports cannot spend. What a flood <em>can</em> do:
 * delay or refuse handshakes of hosts that have not authenticated recently while the general budget
 * is exhausted, and, by forging one host's exact address at more than its host rate, slow that
 * host's new handshakes (its established sessions keep working), and, against a host already
 * holding nearly its whole share of sessions, make it give up its least recently used idle ones (a
 * client that comes back handshakes again). A flood larger than the socket receive buffer drains
 * makes the kernel drop datagrams before they reach us; that needs protection in front of the
 * service (network rate limits).
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

    /**
     * Called as the answer is about to be sealed and sent; the returned action runs once that is
     * done (or failed). Lets a handler time the send, e.g. as a span of the decision's trace.
     */
    default Runnable sending(Answer answer) {
      return () -> {};
    }
  }

  /**
   * What is sent back for one request.
   *
   * @param response the signed response
   * @param reason a machine-readable reason code sent beside it as the unsigned {@code reason}
   *     member (docs/protocol.md#deny-reasons), or null to send the response alone
   * @param context whatever the handler wants back in {@link Handler#sending} (opaque here)
   */
  public record Answer(
      ConsentResponse response, @Nullable String reason, @Nullable Object context) {

    /** An answer with no context for the handler. */
    public Answer(ConsentResponse response, @Nullable String reason) {
      this(response, reason, null);
    }
  }

  /**
   * Limits. A "host" is an IPv4 address or an IPv6 /64, so one machine cannot claim more than its
   * share by using many source ports or addresses of one prefix.
   *
   * @param maxSessions sessions (established and pending) kept in all; at the limit a new handshake
   *     evicts one (stale handshakes, then the least recently used idle session, then the oldest
   *     handshake; see the class comment)
   * @param maxSessionsPerHost sessions one host may hold; at the limit a new handshake from it
   *     evicts one of that host's, in the same order
   * @param handshakeBurst unauthenticated handshakes one host may start at once
   * @param handshakesPerSecond the rate at which a host's handshake allowance refills; a handshake
   *     that authenticates a frame gives its token back
   * @param maxRequestsInFlight requests (and malformed-request callbacks) being handled at once, in
   *     all; more are dropped unanswered
   * @param maxRequestsInFlightPerSession the same, per session
   * @param idleTimeout established sessions unused this long are dropped; also how long a host
   *     counts as verified after it last authenticated a frame
   * @param maxDatagramBytes larger datagrams are dropped unread
   * @param maxPendingHandshakesPerAddress handshakes one address may have pending; a further one
   *     replaces the oldest. Also the burst of an established address's own allowance
   * @param handshakeTimeout pending handshakes that authenticate nothing this long are dropped
   * @param globalHandshakeBurst handshakes all hosts together may start at once
   * @param globalHandshakesPerSecond the rate at which the global allowance refills: the CPU a
   *     flood can make the handshake workers spend
   * @param verifiedReserve the share (0 to below 1) of the global allowance that only hosts which
   *     authenticated a frame within the idle timeout may spend
   * @param handshakeWorkers threads doing key generation and agreement
   * @param handshakeQueue handshakes waiting for a worker, in each of two queues: one for verified
   *     hosts (served first), one for the rest; further E1s are refused
   */
  public record Limits(
      int maxSessions,
      int maxSessionsPerHost,
      int handshakeBurst,
      double handshakesPerSecond,
      int maxRequestsInFlight,
      int maxRequestsInFlightPerSession,
      Duration idleTimeout,
      int maxDatagramBytes,
      int maxPendingHandshakesPerAddress,
      Duration handshakeTimeout,
      int globalHandshakeBurst,
      double globalHandshakesPerSecond,
      double verifiedReserve,
      int handshakeWorkers,
      int handshakeQueue) {

    private static final int DEFAULT_PENDING_PER_ADDRESS = 4;
    private static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final int DEFAULT_GLOBAL_BURST = 500;
    private static final double DEFAULT_GLOBAL_RATE = 2_000.0;
    private static final double DEFAULT_VERIFIED_RESERVE = 0.25;
    private static final int DEFAULT_WORKERS = 2;
    private static final int DEFAULT_QUEUE = 256;

    /**
     * Defaults: 10,000 sessions, 1,024 per host (an office behind one NAT address), 256
     * unauthenticated handshakes per host at once refilling at 64/s, 1,024 requests in flight, 4
     * per session, 60 s idle, 8 KiB datagrams (a request is under 600 bytes), 4 pending handshakes
     * per address, 10 s to authenticate a handshake, 2,000 handshakes/s in all (burst 500; a
     * handshake costs some 130-270 µs of one core here, so about half a core) of which a quarter is
     * reserved for verified hosts, 2 handshake workers with queues of 256 (one for verified hosts,
     * served first, one for the rest).
     */
    public static final Limits DEFAULT =
        new Limits(
            10_000,
            1_024,
            256,
            64.0,
            1024,
            4,
            Duration.ofSeconds(60),
            8192,
            DEFAULT_PENDING_PER_ADDRESS,
            DEFAULT_HANDSHAKE_TIMEOUT,
            DEFAULT_GLOBAL_BURST,
            DEFAULT_GLOBAL_RATE,
            DEFAULT_VERIFIED_RESERVE,
            DEFAULT_WORKERS,
            DEFAULT_QUEUE);

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
          || idleTimeout.isZero()
          || maxPendingHandshakesPerAddress < 1
          || handshakeTimeout.isNegative()
          || handshakeTimeout.isZero()
          || globalHandshakeBurst < 1
          || !(globalHandshakesPerSecond > 0)
          || !(verifiedReserve >= 0 && verifiedReserve < 1)
          || handshakeWorkers < 1
          || handshakeQueue < 1) {
        throw new IllegalArgumentException("every responder limit must be positive");
      }
    }

    /**
     * The first eight limits, the others at their defaults (the handshake timeout no longer than
     * the idle timeout).
     */
    public Limits(
        int maxSessions,
        int maxSessionsPerHost,
        int handshakeBurst,
        double handshakesPerSecond,
        int maxRequestsInFlight,
        int maxRequestsInFlightPerSession,
        Duration idleTimeout,
        int maxDatagramBytes) {
      this(
          maxSessions,
          maxSessionsPerHost,
          handshakeBurst,
          handshakesPerSecond,
          maxRequestsInFlight,
          maxRequestsInFlightPerSession,
          idleTimeout,
          maxDatagramBytes,
          DEFAULT_PENDING_PER_ADDRESS,
          idleTimeout.compareTo(DEFAULT_HANDSHAKE_TIMEOUT) < 0
              ? idleTimeout
              : DEFAULT_HANDSHAKE_TIMEOUT,
          DEFAULT_GLOBAL_BURST,
          DEFAULT_GLOBAL_RATE,
          DEFAULT_VERIFIED_RESERVE,
          DEFAULT_WORKERS,
          DEFAULT_QUEUE);
    }

    /** These limits with another global handshake budget. */
    public Limits withGlobalHandshakes(int burst, double perSecond, double reserve) {
      return new Limits(
          maxSessions,
          maxSessionsPerHost,
          handshakeBurst,
          handshakesPerSecond,
          maxRequestsInFlight,
          maxRequestsInFlightPerSession,
          idleTimeout,
          maxDatagramBytes,
          maxPendingHandshakesPerAddress,
          handshakeTimeout,
          burst,
          perSecond,
          reserve,
          handshakeWorkers,
          handshakeQueue);
    }
  }

  /**
   * Why a datagram got no answer. {@link #label()} is the metric label ({@code
   * hsip_udp_datagrams_dropped_total{reason=...}}).
   */
  public enum DropReason {
    /** Larger than {@link Limits#maxDatagramBytes()}. */
    OVERSIZED(false),
    /** Empty, neither an E1 nor a frame, or too short to be one. */
    MALFORMED(false),
    /** An E1 whose key cannot make a session (a small-order X25519 value). */
    BAD_HANDSHAKE(false),
    /** A repeat of an E1 whose handshake a worker has not finished yet (its E2 is on the way). */
    DUPLICATE_HANDSHAKE(false),
    /** A handshake evicted or expired before its worker finished. */
    EVICTED_HANDSHAKE(false),
    /** A frame from an address without a session. */
    UNKNOWN_PEER(false),
    /** A frame that opens in none of its address's sessions (forged, replayed, stale). */
    UNAUTHENTICATED(false),
    /** An authenticated frame that holds no well-formed request. */
    MALFORMED_REQUEST(false),
    /** An answer that could not be sent. */
    SEND_FAILED(false),
    /** A handshake refused: every session of its host has a request in flight. */
    REFUSED_SESSION_CAP(true),
    /** A handshake refused by its host's (and address's) allowance. */
    REFUSED_HOST_RATE(true),
    /** A handshake refused by the global handshake budget. */
    REFUSED_HANDSHAKE_BUDGET(true),
    /** A handshake refused because the handshake workers' queue is full. */
    REFUSED_HANDSHAKE_QUEUE(true),
    /** A request (or malformed-request callback) refused by the in-flight limits. */
    REFUSED_IN_FLIGHT(true);

    private final boolean refusal;

    DropReason(boolean refusal) {
      this.refusal = refusal;
    }

    /** Whether a limit refused it (counted in {@link Stats#refused()}, else in dropped). */
    public boolean refusal() {
      return refusal;
    }

    /** The metric label: the name in lower case. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Counters for monitoring; all monotonic. */
  public static final class Stats {
    final AtomicLong datagrams = new AtomicLong();
    final AtomicLong handshakes = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong responses = new AtomicLong();
    final AtomicLong handlerFailures = new AtomicLong();
    final AtomicLong expired = new AtomicLong();
    final AtomicLong evicted = new AtomicLong();
    private final AtomicLongArray byReason = new AtomicLongArray(DropReason.values().length);

    void drop(DropReason reason) {
      byReason.incrementAndGet(reason.ordinal());
    }

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

    /**
     * Datagrams dropped for a reason that is not a limit (malformed, unauthenticated, oversized,
     * unknown peer, ...): the sum of the non-refusal reasons.
     */
    public long dropped() {
      return sum(false);
    }

    /**
     * Handshakes and requests refused by a limit (host allowance, global budget, worker queue,
     * sessions, requests in flight): the sum of the refusal reasons.
     */
    public long refused() {
      return sum(true);
    }

    /** Datagrams dropped or refused for one reason. */
    public long dropped(DropReason reason) {
      return byReason.get(reason.ordinal());
    }

    /** Every reason's count by {@link DropReason#label()}, in declaration order, zeros included. */
    public Map<String, Long> droppedByReason() {
      Map<String, Long> out = new LinkedHashMap<>();
      for (DropReason reason : DropReason.values()) {
        out.put(reason.label(), byReason.get(reason.ordinal()));
      }
      return Collections.unmodifiableMap(out);
    }

    /** Handler calls that threw or could not be scheduled (for a request: no response was sent). */
    public long handlerFailures() {
      return handlerFailures.get();
    }

    /** Sessions dropped because they were idle (or pending) too long. */
    public long sessionsExpired() {
      return expired.get();
    }

    /** Sessions evicted to make room for a new handshake. */
    public long sessionsEvicted() {
      return evicted.get();
    }

    private long sum(boolean refusals) {
      long total = 0;
      for (DropReason reason : DropReason.values()) {
        if (reason.refusal() == refusals) {
          total += byReason.get(reason.ordinal());
        }
      }
      return total;
    }
  }

  /** A token bucket; guarded by the responder's lock. */
  private static final class Bucket {
    private final double burst;
    private final double perMs;
    private double tokens;
    private long refilledAtMs;

    Bucket(double burst, double perSecond, long nowMs) {
      this.burst = burst;
      this.perMs = perSecond / 1000.0;
      this.tokens = burst;
      this.refilledAtMs = nowMs;
    }

    boolean take(long nowMs) {
      if (nowMs > refilledAtMs) {
        tokens = Math.min(burst, tokens + (nowMs - refilledAtMs) * perMs);
        refilledAtMs = nowMs;
      }
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }

    void giveBack() {
      tokens = Math.min(burst, tokens + 1);
    }
  }

  /** Which allowance paid for a handshake (and gets its token back if it authenticates). */
  private enum Payer {
    HOST,
    ADDRESS
  }

  /** One handshake with a peer address: pending until it authenticates a frame. */
  private static final class PeerSession {
    final PeerEntry entry;
    final byte[] e1;
    final long createdMs;
    final Payer payer;
    final AtomicInteger inFlight = new AtomicInteger();

    /** Set by the handshake worker; read on the receive loop. */
    volatile @Nullable SealedSession sealed;

    /** Guarded by the lock. */
    byte @Nullable [] e2;

    long lastUsedMs;
    boolean established;
    volatile boolean removed;

    PeerSession(PeerEntry entry, byte[] e1, long nowMs, Payer payer) {
      this.entry = entry;
      this.e1 = e1;
      this.createdMs = nowMs;
      this.lastUsedMs = nowMs;
      this.payer = payer;
    }
  }

  /**
   * What one address holds: at most one established session and a few pending handshakes, oldest
   * first. The handshake is unauthenticated, so anyone who can put the peer's address on a datagram
   * can send an E1: the established session keeps working until a new handshake authenticates a
   * frame (and so proves the peer really started over). Guarded by the lock.
   */
  private static final class PeerEntry {
    final SocketAddress address;
    final HostState host;
    @Nullable PeerSession established;
    final ArrayDeque<PeerSession> pending = new ArrayDeque<>(2);

    /** The address's own allowance, once it has authenticated a frame. */
    @Nullable Bucket allowance;

    PeerEntry(SocketAddress address, HostState host) {
      this.address = address;
      this.host = host;
    }

    boolean isEmpty() {
      return established == null && pending.isEmpty();
    }
  }

  /** An IPv4 address, or the /64 prefix of an IPv6 address. */
  private record HostKey(String value) {
    static HostKey of(InetSocketAddress address) {
      byte[] ip = address.getAddress().getAddress();
      return new HostKey(HexFormat.of().formatHex(ip.length == 16 ? Arrays.copyOf(ip, 8) : ip));
    }
  }

  /** A host's sessions, oldest first, and handshake allowance. Guarded by the lock. */
  private static final class HostState {
    final HostKey key;
    final Bucket allowance;
    final LinkedHashSet<PeerSession> pending = new LinkedHashSet<>();
    final LinkedHashSet<PeerSession> established = new LinkedHashSet<>();
    long verifiedAtMs = Long.MIN_VALUE;

    HostState(HostKey key, Bucket allowance) {
      this.key = key;
      this.allowance = allowance;
    }

    int sessions() {
      return pending.size() + established.size();
    }
  }

  /**
   * Handshake work waiting for a worker: two bounded FIFO lanes, the verified hosts' lane served
   * first.
   */
  private static final class HandshakeLanes {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final ArrayDeque<Runnable> verified = new ArrayDeque<>();
    private final ArrayDeque<Runnable> general = new ArrayDeque<>();
    private final int capacity;
    private boolean closed;

    HandshakeLanes(int capacity) {
      this.capacity = capacity;
    }

    boolean hasRoom(boolean priority) {
      lock.lock();
      try {
        return !closed && (priority ? verified : general).size() < capacity;
      } finally {
        lock.unlock();
      }
    }

    boolean offer(Runnable task, boolean priority) {
      lock.lock();
      try {
        ArrayDeque<Runnable> lane = priority ? verified : general;
        if (closed || lane.size() >= capacity) {
          return false;
        }
        lane.addLast(task);
        ready.signal();
        return true;
      } finally {
        lock.unlock();
      }
    }

    /** The next task, or null once closed. */
    @Nullable Runnable take() throws InterruptedException {
      lock.lock();
      try {
        while (!closed && verified.isEmpty() && general.isEmpty()) {
          ready.await();
        }
        if (closed) {
          return null;
        }
        return verified.isEmpty() ? general.pollFirst() : verified.pollFirst();
      } finally {
        lock.unlock();
      }
    }

    void close() {
      lock.lock();
      try {
        closed = true;
        verified.clear();
        general.clear();
        ready.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private static final int RECEIVE_BUFFER_BYTES = 4 << 20;
  private static final int SWEEP_INTERVAL_MS = 1000;

  /**
   * How old a pending handshake must be before a cap evicts it ahead of established sessions: far
   * longer than a round trip, so it was lost or forged.
   */
  static final long SETTLE_MS = 1000;

  private final DatagramSocket socket;
  private final Handler handler;
  private final Executor executor;
  private final HandshakeLanes lanes;
  private final List<Thread> workers = new ArrayList<>();
  private final Limits limits;
  private final Clock clock;
  private final SecureRandom random;
  private final Stats stats = new Stats();

  /** Guards everything below. */
  private final Object lock = new Object();

  private final HashMap<SocketAddress, PeerEntry> entries = new HashMap<>(256);
  private final HashMap<HostKey, HostState> hosts = new HashMap<>(256);

  /** Hosts that hold no session, least recently emptied first (forgotten beyond maxSessions). */
  private final LinkedHashSet<HostState> idleHosts = new LinkedHashSet<>();

  /** All pending handshakes, oldest first. */
  private final LinkedHashSet<PeerSession> pending = new LinkedHashSet<>();

  /** All established sessions, least recently used first. */
  private final LinkedHashSet<PeerSession> established = new LinkedHashSet<>();

  private final Bucket generalBudget;
  private final @Nullable Bucket verifiedBudget;
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
    long now = clock.millis();
    double general = 1 - limits.verifiedReserve();
    this.generalBudget =
        new Bucket(
            Math.max(1, limits.globalHandshakeBurst() * general),
            limits.globalHandshakesPerSecond() * general,
            now);
    this.verifiedBudget =
        limits.verifiedReserve() > 0
            ? new Bucket(
                Math.max(1, limits.globalHandshakeBurst() * limits.verifiedReserve()),
                limits.globalHandshakesPerSecond() * limits.verifiedReserve(),
                now)
            : null;
    this.lanes = new HandshakeLanes(limits.handshakeQueue());
    for (int i = 1; i <= limits.handshakeWorkers(); i++) {
      workers.add(
          Thread.ofPlatform()
              .name("hsip-consent-handshake-" + i)
              .daemon()
              .unstarted(this::handshakeLoop));
    }
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
   * exactly: each handshake draws its 32-byte key when a worker takes it up, its 4-byte prefix when
   * its first answer is sealed).
   */
  public static UdpConsentResponder start(
      InetSocketAddress address,
      Handler handler,
      Executor executor,
      Limits limits,
      Clock clock,
      SecureRandom random)
      throws SocketException {
    DatagramSocket socket = new DatagramSocket(address);
    try {
      // A deep queue absorbs bursts (floods included) while the loop catches up; the kernel caps
      // it at net.core.rmem_max.
      socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
      socket.setSoTimeout(SWEEP_INTERVAL_MS);
    } catch (SocketException e) {
      socket.close();
      throw e;
    }
    UdpConsentResponder responder =
        new UdpConsentResponder(socket, handler, executor, limits, clock, random);
    responder.workers.forEach(Thread::start);
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

  /** Number of peer addresses with a session or pending handshake (expired ones are dropped). */
  public int sessionCount() {
    synchronized (lock) {
      expire(clock.millis());
      return entries.size();
    }
  }

  @Override
  public void close() {
    closed = true;
    socket.close();
    lanes.close();
    try {
      receiver.join(Duration.ofSeconds(5));
      for (Thread worker : workers) {
        worker.join(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void receiveLoop() {
    byte[] buffer = new byte[65_535];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    while (!closed) {
      packet.setData(buffer);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        // Nothing arrived for a while: sessions still expire on time.
        try {
          synchronized (lock) {
            expire(clock.millis());
          }
        } catch (RuntimeException unexpected) {
          pause();
        }
        continue;
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
      if (length > limits.maxDatagramBytes()) {
        stats.drop(DropReason.OVERSIZED);
        continue;
      }
      if (length == 0) {
        stats.drop(DropReason.MALFORMED);
        continue;
      }
      try {
        if (buffer[0] == Handshake.E1) {
          onE1(buffer, length, from);
        } else if (buffer[0] == SealedSession.FRAME_TAG) {
          onFrame(Arrays.copyOf(buffer, length), from);
        } else {
          stats.drop(DropReason.MALFORMED);
        }
      } catch (RuntimeException e) {
        // This thread is the only receiver: a parser that throws unchecked on some peer's bytes (a
        // bug, but one a peer can trigger at will) must cost that datagram, not the whole
        // responder.
        stats.drop(DropReason.MALFORMED);
      }
    }
  }

  private void handshakeLoop() {
    while (true) {
      Runnable task;
      try {
        task = lanes.take();
      } catch (InterruptedException e) {
        return;
      }
      if (task == null) {
        return;
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        // completeHandshake handles its own failures; never let one end a worker.
        stats.drop(DropReason.BAD_HANDSHAKE);
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

  // ---- handshakes ----

  private void onE1(byte[] buffer, int length, InetSocketAddress from) {
    if (!Handshake.isE1(buffer, length)) {
      // Checked before the retransmission test: a prefix of the stored E1 (even the lone 0xE1 byte)
      // must not be answered with the 33-byte E2.
      stats.drop(DropReason.MALFORMED);
      return;
    }
    byte[] e1 = Arrays.copyOf(buffer, Handshake.MESSAGE_LENGTH);
    long now = clock.millis();
    PeerSession session;
    byte[] repeatE2 = null;
    boolean priority = false;
    synchronized (lock) {
      expire(now);
      PeerEntry entry = entries.get(from);
      PeerSession same = entry == null ? null : sameHandshake(entry, e1);
      if (same != null) {
        // A retransmitted E1: answer with the same E2 so the initiator's key still matches ours.
        // Costs no key agreement, so it draws nothing from any allowance.
        repeatE2 = same.e2;
        if (repeatE2 == null) {
          stats.drop(DropReason.DUPLICATE_HANDSHAKE);
          return;
        }
        session = null;
      } else {
        session = admit(e1, from, entry, now);
        if (session == null) {
          return;
        }
        priority = isVerified(session.entry.host, now);
      }
    }
    if (repeatE2 != null) {
      send(repeatE2, from);
      return;
    }
    PeerSession admitted = session;
    if (!lanes.offer(() -> completeHandshake(admitted, e1, from), priority)) {
      synchronized (lock) {
        remove(admitted);
      }
      stats.drop(DropReason.REFUSED_HANDSHAKE_QUEUE);
    }
  }

  /**
   * Checks the allowances and makes room for a new handshake from {@code from}, or counts why not.
   * Holds the lock.
   */
  private @Nullable PeerSession admit(
      byte[] e1, InetSocketAddress from, @Nullable PeerEntry entry, long now) {
    HostState host = entry != null ? entry.host : host(HostKey.of(from), now);
    // Who pays: the host's allowance for unauthenticated handshakes; when it is spent, an address
    // with an established session has a small allowance of its own that E1s forged from the host's
    // other ports cannot spend.
    Payer payer;
    if (host.allowance.take(now)) {
      payer = Payer.HOST;
    } else if (entry != null && entry.allowance != null && entry.allowance.take(now)) {
      payer = Payer.ADDRESS;
    } else {
      stats.drop(DropReason.REFUSED_HOST_RATE);
      return null;
    }
    boolean verified = isVerified(host, now);
    Bucket reserve = verifiedBudget;
    if (!generalBudget.take(now) && !(verified && reserve != null && reserve.take(now))) {
      refund(payer, host, entry);
      stats.drop(DropReason.REFUSED_HANDSHAKE_BUDGET);
      return null;
    }
    if (!lanes.hasRoom(verified)) {
      refund(payer, host, entry);
      stats.drop(DropReason.REFUSED_HANDSHAKE_QUEUE);
      return null;
    }
    if (host.sessions() >= limits.maxSessionsPerHost()
        && !evictOne(host.pending, host.established, now)) {
      refund(payer, host, entry);
      stats.drop(DropReason.REFUSED_SESSION_CAP);
      return null;
    }
    if (pending.size() + established.size() >= limits.maxSessions()
        && !evictOne(pending, established, now)) {
      refund(payer, host, entry);
      stats.drop(DropReason.REFUSED_SESSION_CAP);
      return null;
    }
    // Eviction may have emptied (and unmapped) the entry.
    PeerEntry target = entries.get(from);
    if (target == null) {
      target = new PeerEntry(from, host);
      entries.put(from, target);
    }
    while (target.pending.size() >= limits.maxPendingHandshakesPerAddress()) {
      PeerSession oldest = target.pending.peekFirst();
      remove(oldest);
      stats.evicted.incrementAndGet();
    }
    PeerSession session = new PeerSession(target, e1, now, payer);
    target.pending.addLast(session);
    host.pending.add(session);
    pending.add(session);
    idleHosts.remove(host);
    return session;
  }

  /** Whether the host authenticated a frame within the idle timeout. Holds the lock. */
  private boolean isVerified(HostState host, long now) {
    return host.verifiedAtMs != Long.MIN_VALUE
        && now - host.verifiedAtMs <= limits.idleTimeout().toMillis();
  }

  private static void refund(Payer payer, HostState host, @Nullable PeerEntry entry) {
    if (payer == Payer.HOST) {
      host.allowance.giveBack();
    } else if (entry != null && entry.allowance != null) {
      entry.allowance.giveBack();
    }
  }

  /** The host's state, created (and the longest idle hosts forgotten) if new. Holds the lock. */
  private HostState host(HostKey key, long now) {
    HostState host = hosts.get(key);
    if (host == null) {
      host =
          new HostState(
              key, new Bucket(limits.handshakeBurst(), limits.handshakesPerSecond(), now));
      hosts.put(key, host);
      idleHosts.add(host);
      Iterator<HostState> oldest = idleHosts.iterator();
      while (hosts.size() > limits.maxSessions() && oldest.hasNext()) {
        HostState forgotten = oldest.next();
        if (forgotten != host) {
          oldest.remove();
          hosts.remove(forgotten.key);
        }
      }
    }
    return host;
  }

  /**
   * Makes room for one handshake. In this order: a pending handshake older than {@link #SETTLE_MS}
   * (an honest one completes within a round trip, so it was lost or forged); the least recently
   * used established session with nothing in flight (a one-shot client, such as the reference CLI,
   * never comes back to its session); the oldest pending handshake. So clients that each open a
   * session for one exchange (many source ports behind one address) reclaim each other's finished
   * sessions instead of evicting each other's handshakes in progress, and forged handshakes, which
   * never complete, go before anyone's session. Holds the lock.
   */
  private boolean evictOne(
      LinkedHashSet<PeerSession> pendingOldestFirst,
      LinkedHashSet<PeerSession> establishedLru,
      long now) {
    PeerSession victim = pendingOldestFirst.isEmpty() ? null : pendingOldestFirst.getFirst();
    if (victim == null || now - victim.createdMs < SETTLE_MS) {
      for (PeerSession candidate : establishedLru) {
        if (candidate.inFlight.get() == 0) {
          victim = candidate;
          break;
        }
      }
    }
    if (victim == null) {
      return false;
    }
    remove(victim);
    stats.evicted.incrementAndGet();
    return true;
  }

  /** Runs on a handshake worker: key generation, agreement, then the E2. */
  private void completeHandshake(PeerSession session, byte[] e1, InetSocketAddress from) {
    if (session.removed) {
      stats.drop(DropReason.EVICTED_HANDSHAKE);
      return;
    }
    Handshake.Response response;
    try {
      response = Handshake.respond(e1, random);
    } catch (HandshakeException | RuntimeException e) {
      synchronized (lock) {
        remove(session);
      }
      stats.drop(DropReason.BAD_HANDSHAKE);
      return;
    }
    byte[] e2 = response.e2();
    synchronized (lock) {
      if (session.removed) {
        stats.drop(DropReason.EVICTED_HANDSHAKE);
        return;
      }
      session.sealed = SealedSession.responder(response.key(), random);
      session.e2 = e2;
    }
    stats.handshakes.incrementAndGet();
    send(e2, from);
  }

  private static @Nullable PeerSession sameHandshake(PeerEntry entry, byte[] e1) {
    PeerSession current = entry.established;
    if (current != null && sameBytes(current.e1, e1)) {
      return current;
    }
    for (PeerSession p : entry.pending) {
      if (sameBytes(p.e1, e1)) {
        return p;
      }
    }
    return null;
  }

  /** E1 messages are public; a plain comparison of their fixed 33 bytes is fine. */
  private static boolean sameBytes(byte[] a, byte[] b) {
    return a.length == b.length && Arrays.equals(a, 0, a.length, b, 0, b.length);
  }

  // ---- frames ----

  private void onFrame(byte[] datagram, InetSocketAddress from) {
    if (datagram.length < SealedSession.MIN_FRAME_LENGTH) {
      stats.drop(DropReason.MALFORMED);
      return;
    }
    long now = clock.millis();
    List<PeerSession> candidates = new ArrayList<>(2);
    synchronized (lock) {
      expire(now);
      PeerEntry entry = entries.get(from);
      if (entry == null) {
        stats.drop(DropReason.UNKNOWN_PEER);
        return;
      }
      PeerSession current = entry.established;
      if (current != null) {
        candidates.add(current);
      }
      // Newest pending first: a peer that started over uses its latest handshake.
      Iterator<PeerSession> newestFirst = entry.pending.descendingIterator();
      while (newestFirst.hasNext()) {
        PeerSession p = newestFirst.next();
        if (p.sealed != null) {
          candidates.add(p);
        }
      }
    }
    PeerSession peer = null;
    byte[] plaintext = null;
    for (PeerSession candidate : candidates) {
      plaintext = openOrNull(candidate, datagram);
      if (plaintext != null) {
        peer = candidate;
        break;
      }
    }
    if (peer == null || plaintext == null) {
      stats.drop(DropReason.UNAUTHENTICATED);
      return;
    }
    synchronized (lock) {
      if (peer.removed) {
        stats.drop(DropReason.EVICTED_HANDSHAKE);
        return;
      }
      if (!peer.established) {
        establish(peer, now);
      }
      touch(peer, now);
    }
    ConsentRequest request;
    try {
      request = ConsentRequest.parse(plaintext);
    } catch (ConsentParseException e) {
      // The callback is work done for a peer like a request: it counts against the same limits.
      if (!reserveInFlight(peer)) {
        stats.drop(DropReason.REFUSED_IN_FLIGHT);
        return;
      }
      stats.drop(DropReason.MALFORMED_REQUEST);
      String reason = e.getMessage();
      PeerSession reporting = peer;
      // On the executor like every handler call, so a failing or slow callback cannot stop this
      // loop.
      if (!execute(() -> reportMalformed(reporting, from, reason))) {
        releaseInFlight(reporting);
      }
      return;
    }
    if (!reserveInFlight(peer)) {
      stats.drop(DropReason.REFUSED_IN_FLIGHT);
      return;
    }
    stats.requests.incrementAndGet();
    PeerSession answering = peer;
    if (!execute(() -> answer(answering, request, from))) {
      releaseInFlight(answering);
    }
  }

  /**
   * A pending handshake authenticated a frame: the peer really is at this address, so it replaces
   * the address's established session and its other pending handshakes, gives its token back and
   * marks its host verified. Holds the lock.
   */
  private void establish(PeerSession session, long now) {
    PeerEntry entry = session.entry;
    HostState host = entry.host;
    entry.pending.remove(session);
    host.pending.remove(session);
    pending.remove(session);
    PeerSession previous = entry.established;
    session.established = true;
    entry.established = session;
    host.established.add(session);
    established.add(session);
    if (previous != null) {
      remove(previous);
    }
    for (PeerSession other : new ArrayList<>(entry.pending)) {
      remove(other);
    }
    refund(session.payer, host, entry);
    if (entry.allowance == null) {
      entry.allowance = new Bucket(limits.maxPendingHandshakesPerAddress(), 1.0, now);
    }
  }

  /** Marks an established session used now. Holds the lock. */
  private void touch(PeerSession session, long now) {
    session.lastUsedMs = now;
    session.entry.host.verifiedAtMs = now;
    established.remove(session);
    established.add(session);
    HostState host = session.entry.host;
    host.established.remove(session);
    host.established.add(session);
  }

  /** Removes a session from every index. Holds the lock. */
  private void remove(PeerSession session) {
    if (session.removed) {
      return;
    }
    session.removed = true;
    PeerEntry entry = session.entry;
    HostState host = entry.host;
    if (session.established) {
      established.remove(session);
      host.established.remove(session);
      if (entry.established == session) {
        entry.established = null;
      }
    } else {
      pending.remove(session);
      host.pending.remove(session);
      entry.pending.remove(session);
    }
    if (entry.isEmpty() && entries.get(entry.address) == entry) {
      entries.remove(entry.address);
    }
    if (host.sessions() == 0) {
      idleHosts.add(host);
    }
  }

  /**
   * Drops pending handshakes older than the handshake timeout and established sessions idle longer
   * than the idle timeout. Both lists are in age order, so this stops at the first live one. Holds
   * the lock.
   */
  private void expire(long now) {
    long handshakeTimeout = limits.handshakeTimeout().toMillis();
    while (!pending.isEmpty()) {
      PeerSession oldest = pending.getFirst();
      if (now - oldest.createdMs <= handshakeTimeout) {
        break;
      }
      remove(oldest);
      stats.expired.incrementAndGet();
    }
    long idle = limits.idleTimeout().toMillis();
    while (!established.isEmpty()) {
      PeerSession oldest = established.getFirst();
      if (now - oldest.lastUsedMs <= idle) {
        break;
      }
      remove(oldest);
      stats.expired.incrementAndGet();
    }
  }

  private static byte @Nullable [] openOrNull(PeerSession peer, byte[] datagram) {
    SealedSession sealed = peer.sealed;
    if (sealed == null) {
      return null;
    }
    try {
      return sealed.open(datagram, FrameType.CONTROL);
    } catch (FrameException e) {
      return null;
    }
  }

  // ---- requests ----

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

  private void reportMalformed(PeerSession peer, InetSocketAddress from, String reason) {
    try {
      handler.onMalformedRequest(from, reason);
    } catch (RuntimeException e) {
      stats.handlerFailures.incrementAndGet();
    } finally {
      releaseInFlight(peer);
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
    SealedSession sealed = peer.sealed;
    if (sealed == null) {
      return; // cannot happen: a request was opened in this session
    }
    Runnable sent = sending(response);
    try {
      byte[] frame =
          sealed.seal(
              FrameType.CONTROL,
              response.response().toJson(response.reason()).getBytes(StandardCharsets.UTF_8));
      if (send(frame, from)) {
        stats.responses.incrementAndGet();
      }
    } finally {
      sent.run();
    }
  }

  private Runnable sending(Answer answer) {
    try {
      return handler.sending(answer);
    } catch (RuntimeException e) {
      stats.handlerFailures.incrementAndGet();
      return () -> {};
    }
  }

  private boolean send(byte[] datagram, InetSocketAddress to) {
    try {
      socket.send(new DatagramPacket(datagram, datagram.length, to));
      return true;
    } catch (IOException e) {
      stats.drop(DropReason.SEND_FAILED);
      return false;
    }
  }
}
