package io.hsip.policygateway.cli.load;

import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Runs the simulated peers of one load run, each on its own thread with its own key, until the
 * {@link Schedule} is over, and sums up what they saw.
 *
 * <p>A replayed request is the peer's last allow or deny request that was answered, sent again as
 * is. A peer that has none (or only one older than {@link #REPLAY_SOURCE_MAX_AGE}, which a gateway
 * would call stale rather than replayed) first sends a fresh allow request, counted as an allow: so
 * a run can send up to one request per replayed slot more than {@code --count}.
 *
 * <p>The run stops early, as unreachable, when the target refuses outright (ICMP port unreachable,
 * connection refused) before anything answered, or when the first round of requests (one per peer)
 * all went unanswered.
 */
public final class LoadRun {

  /** How old a request may be and still be replayed: well inside a gateway's clock-skew window. */
  static final Duration REPLAY_SOURCE_MAX_AGE = Duration.ofSeconds(20);

  /** Beyond the time a peer may still be waiting for its last answers, how long to wait for it. */
  private static final Duration JOIN_GRACE = Duration.ofSeconds(2);

  /** Longest a link may take to report a late outcome after the peers ended (a malformed wait). */
  private static final Duration LATE_GRACE = Duration.ofSeconds(61);

  private final LoadKind.Transport transport;
  private final String target;
  private final LoadSettings settings;
  private final PeerLink.Factory links;
  private final Clock clock;
  private final Tally tally = new Tally();
  private final AtomicLong unansweredBeforeAnyAnswer = new AtomicLong();
  private final AtomicBoolean stoppedEarly = new AtomicBoolean();
  private final AtomicLong lateOutstanding = new AtomicLong();

  /** Outcomes the links report after the exchange returned (a malformed request's silence). */
  private final PeerLink.LateOutcomes late =
      new PeerLink.LateOutcomes() {
        @Override
        public void expect() {
          lateOutstanding.incrementAndGet();
        }

        @Override
        public void report(LoadKind kind, Outcome outcome, long startNanos) {
          tally.record(kind, outcome, startNanos, System.nanoTime());
          lateOutstanding.decrementAndGet();
        }
      };

  /**
   * A run.
   *
   * @param target where the requests go, as shown in the report
   * @param links opens each peer's connection
   * @param clock the wall clock for the requests' times (latency uses {@link System#nanoTime()})
   */
  public LoadRun(
      LoadKind.Transport transport,
      String target,
      LoadSettings settings,
      PeerLink.Factory links,
      Clock clock) {
    this.transport = transport;
    this.target = target;
    this.settings = settings;
    this.links = links;
    this.clock = clock;
  }

  /**
   * Runs the warm-up, if any, then the peers until the run is over, and returns the report of the
   * latter. Each peer first makes its key (and presigns its requests, if asked); the schedule
   * starts when all are ready.
   */
  public LoadReport run() throws InterruptedException {
    if (!settings.warmup().isZero()) {
      new LoadRun(transport, target, settings.forWarmup(), links, clock).run();
    }
    CountDownLatch ready = new CountDownLatch(settings.peers());
    CountDownLatch go = new CountDownLatch(1);
    AtomicReference<Schedule> started = new AtomicReference<>();
    List<Thread> peers = new ArrayList<>(settings.peers());
    for (int i = 0; i < settings.peers(); i++) {
      int index = i;
      peers.add(
          Thread.ofPlatform()
              .name("hsip-load-peer-" + i)
              .daemon(true)
              .start(() -> runPeer(index, ready, go, started)));
    }
    ready.await();
    Schedule slots =
        new Schedule(
            System::nanoTime, settings.duration().toNanos(), settings.count(), settings.rate());
    started.set(slots);
    go.countDown();
    // Every exchange ends by itself (a handshake and an answer, each bounded by the timeout), so
    // the peers end within that of the schedule's end; the grace is for thread scheduling.
    long joinDeadline = slots.endNanos() + 2 * settings.timeout().toNanos() + JOIN_GRACE.toNanos();
    for (Thread peer : peers) {
      long left = joinDeadline - System.nanoTime();
      if (left > 0) {
        peer.join(Duration.ofNanos(left));
      }
    }
    long lateDeadline = System.nanoTime() + LATE_GRACE.toNanos();
    while (lateOutstanding.get() > 0 && System.nanoTime() < lateDeadline) {
      Thread.sleep(5);
    }
    return LoadReport.of(
        transport, target, settings, slots, tally, System.nanoTime(), stoppedEarly.get());
  }

  private void runPeer(
      int index, CountDownLatch ready, CountDownLatch go, AtomicReference<Schedule> started) {
    PeerRequests requests;
    try {
      SecureRandom random = new SecureRandom();
      requests = new PeerRequests(SigningKey.generate(random), settings, clock, random);
      if (settings.presign()) {
        requests.presign(settings.presignShare());
      }
    } finally {
      ready.countDown();
    }
    try {
      go.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Schedule slots = started.get();
    try (PeerLink link = links.open(index, late)) {
      @Nullable ConsentRequest replayable = null;
      for (long slot = slots.take(); slot >= 0; slot = slots.take()) {
        LoadKind kind = settings.mix().kindOf(slot);
        if (kind == LoadKind.REPLAYED && !fresh(replayable)) {
          replayable = primer(link, requests, slots);
        }
        long due = slots.openLoop() ? slots.dueNanos(slot) : 0;
        if (slots.openLoop()) {
          waitUntil(due);
        }
        ConsentRequest request =
            kind == LoadKind.REPLAYED && replayable != null ? replayable : requests.next(kind);
        long start = slots.openLoop() ? due : System.nanoTime();
        Outcome outcome = link.exchange(kind, request);
        if (outcome == null) {
          continue; // reported late
        }
        record(kind, outcome, start, slots);
        if ((kind == LoadKind.ALLOW || kind == LoadKind.DENY) && outcome.answered()) {
          replayable = request;
        }
      }
    }
  }

  /** Sends a fresh allow request so that there is something to replay; returns it. */
  private ConsentRequest primer(PeerLink link, PeerRequests requests, Schedule slots) {
    ConsentRequest request = requests.next(LoadKind.ALLOW);
    long start = System.nanoTime();
    Outcome outcome = link.exchange(LoadKind.ALLOW, request);
    if (outcome != null) {
      record(LoadKind.ALLOW, outcome, start, slots);
    }
    // Replayed even if unanswered: the gateway may have recorded it and lost only the answer.
    return request;
  }

  private boolean fresh(@Nullable ConsentRequest request) {
    return request != null && clock.millis() - request.tsMs() < REPLAY_SOURCE_MAX_AGE.toMillis();
  }

  private void record(LoadKind kind, Outcome outcome, long start, Schedule slots) {
    tally.record(kind, outcome, start, System.nanoTime());
    if (outcome.answered() || tally.answered() > 0) {
      return;
    }
    boolean refused =
        outcome.type() == Outcome.Type.ERROR && "unreachable".equals(outcome.reason());
    boolean silent =
        kind != LoadKind.MALFORMED
            && (outcome.type() == Outcome.Type.NO_ANSWER
                || outcome.type() == Outcome.Type.NO_HANDSHAKE);
    if (refused || (silent && unansweredBeforeAnyAnswer.incrementAndGet() >= settings.peers())) {
      stoppedEarly.set(true);
      slots.stop();
    }
  }

  private static void waitUntil(long dueNanos) {
    for (long left = dueNanos - System.nanoTime(); left > 0; left = dueNanos - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
