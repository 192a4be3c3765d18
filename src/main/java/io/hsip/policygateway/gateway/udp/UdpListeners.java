package io.hsip.policygateway.gateway.udp;

import io.hsip.policygateway.gateway.GatewayConfig;
import io.hsip.policygateway.gateway.decision.DecisionPipeline;
import io.hsip.policygateway.gateway.decision.FrontDoor;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.KeyFileException;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.net.UdpConsentResponder;
import io.hsip.policygateway.telemetry.DecisionMetrics;
import io.hsip.policygateway.telemetry.DecisionSpans;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HSIP UDP front door: one {@link UdpConsentResponder} per configured listener ({@code
 * gateway.listeners.<name>}), each on its own port answering as the identity of its own key file,
 * every request decided by the {@link DecisionPipeline}. Started with the service, closed on
 * shutdown. A listener that cannot start (no key, port taken) stays down, is logged, and keeps
 * readiness DOWN ({@link ListenersReadiness}); the others run.
 */
@ApplicationScoped
public class UdpListeners {

  /** The reference port: the default of the listener named {@code main}. */
  public static final int REFERENCE_PORT = 40405;

  /** The name of the listener that defaults to the reference port. */
  public static final String MAIN = "main";

  private final GatewayConfig config;
  private final DecisionPipeline pipeline;
  private final MeterRegistry meters;
  private final Clock clock;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Map<String, String> problems = new ConcurrentHashMap<>();
  private final ExecutorService deciders = Executors.newVirtualThreadPerTaskExecutor();

  private final Tracer tracer;

  /** A started listener. */
  private record Running(SigningKey key, UdpConsentResponder responder) {}

  UdpListeners(
      GatewayConfig config,
      DecisionPipeline pipeline,
      MeterRegistry meters,
      Clock clock,
      Tracer tracer) {
    this.tracer = tracer;
    this.config = config;
    this.pipeline = pipeline;
    this.meters = meters;
    this.clock = clock;
  }

  void start(@Observes StartupEvent event) {
    boolean devOrTest = LaunchMode.current().isDevOrTest();
    UdpConsentResponder.Limits limits = limits(config.udp());
    new TreeMap<>(config.listeners())
        .forEach((name, listener) -> start(name, listener, limits, devOrTest));
  }

  private void start(
      String name,
      GatewayConfig.Listener listener,
      UdpConsentResponder.Limits limits,
      boolean devOrTest) {
    Optional<Integer> port =
        listener
            .port()
            .or(() -> MAIN.equals(name) ? Optional.of(REFERENCE_PORT) : Optional.empty());
    if (port.isEmpty()) {
      fail(name, "no port configured (gateway.listeners." + name + ".port)");
      return;
    }
    if (listener.keyFile().isEmpty()) {
      fail(name, "no key file configured (gateway.listeners." + name + ".key-file)");
      return;
    }
    SigningKey key;
    try {
      key =
          ListenerKeys.load(
              name, listener.keyFile().get(), listener.generateIfMissing(), devOrTest);
    } catch (KeyFileException e) {
      Log.errorf(
          "HSIP listener %s: key file %s unusable: %s",
          name, listener.keyFile().get(), e.getMessage());
      fail(name, e.getMessage());
      return;
    }
    try {
      InetSocketAddress address =
          new InetSocketAddress(InetAddress.getByName(listener.bindAddress()), port.get());
      UdpConsentResponder responder =
          UdpConsentResponder.start(address, handler(key), deciders, limits, clock);
      running.put(name, new Running(key, responder));
      problems.remove(name);
      registerDropCounters(name, responder);
      Log.infof(
          "HSIP listener %s bound to UDP %s, answering as PeerID %s",
          name, responder.localAddress(), key.peerId());
    } catch (IOException | IllegalArgumentException e) {
      Log.errorf(
          "HSIP listener %s could not bind %s:%d: %s",
          name, listener.bindAddress(), port.get(), e.getMessage());
      fail(name, "could not bind its port");
    }
  }

  private void fail(String name, String problem) {
    problems.put(name, problem);
    Log.errorf("HSIP listener %s is not running: %s", name, problem);
  }

  private UdpConsentResponder.Handler handler(SigningKey key) {
    return new UdpConsentResponder.Handler() {
      @Override
      public ConsentResponse onRequest(ConsentRequest request, InetSocketAddress from) {
        return answer(request, from).response();
      }

      @Override
      public UdpConsentResponder.Answer answer(ConsentRequest request, InetSocketAddress from) {
        DecisionPipeline.Answered answered = pipeline.answer(request, key, FrontDoor.UDP);
        return new UdpConsentResponder.Answer(
            answered.response(), answered.decision().reason().wire(), answered.span());
      }

      @Override
      public Runnable sending(UdpConsentResponder.Answer answer) {
        if (!(answer.context() instanceof SpanContext decision)) {
          return () -> {};
        }
        // Sealing and sending happen after the decision span ended: a child of it all the same.
        Span send =
            tracer
                .spanBuilder(DecisionSpans.SEND)
                .setParent(Context.root().with(Span.wrap(decision)))
                .startSpan();
        return send::end;
      }

      @Override
      public void onMalformedRequest(InetSocketAddress from, String reason) {
        pipeline.countMalformed(FrontDoor.UDP);
      }
    };
  }

  private void registerDropCounters(String name, UdpConsentResponder responder) {
    UdpConsentResponder.Stats stats = responder.stats();
    for (UdpConsentResponder.DropReason reason : UdpConsentResponder.DropReason.values()) {
      FunctionCounter.builder(DecisionMetrics.UDP_DROPPED, stats, s -> s.dropped(reason))
          .description("UDP datagrams a listener dropped or refused without answering")
          .tag("listener", name)
          .tag("reason", reason.label())
          .register(meters);
    }
  }

  void stop(@Observes ShutdownEvent event) {
    running.forEach(
        (name, listener) -> {
          listener.responder().close();
          Log.infof("HSIP listener %s stopped", name);
        });
    running.clear();
    deciders.close();
  }

  /** The engine limits from {@code gateway.udp.*}. */
  static UdpConsentResponder.Limits limits(GatewayConfig.Udp udp) {
    return new UdpConsentResponder.Limits(
        udp.maxSessions(),
        udp.maxSessionsPerHost(),
        udp.handshakeBurst(),
        udp.handshakesPerSecond(),
        udp.maxRequestsInFlight(),
        udp.maxRequestsInFlightPerSession(),
        udp.idleTimeout(),
        udp.maxDatagramBytes(),
        udp.maxPendingHandshakesPerAddress(),
        udp.handshakeTimeout(),
        udp.globalHandshakeBurst(),
        udp.globalHandshakesPerSecond(),
        udp.verifiedReserve(),
        udp.handshakeWorkers(),
        udp.handshakeQueue());
  }

  /** The address listener {@code name} is bound to (its real port when configured as 0). */
  public Optional<InetSocketAddress> boundAddress(String name) {
    return Optional.ofNullable(running.get(name)).map(r -> r.responder().localAddress());
  }

  /** The public key listener {@code name} answers with. */
  public Optional<Ed25519PublicKey> publicKey(String name) {
    return Optional.ofNullable(running.get(name)).map(r -> r.key().publicKey());
  }

  /** The live counters of listener {@code name}. */
  public Optional<UdpConsentResponder.Stats> stats(String name) {
    return Optional.ofNullable(running.get(name)).map(r -> r.responder().stats());
  }

  /** Listeners that are configured but not running, with why (no paths, no key material). */
  public Map<String, String> problems() {
    return Map.copyOf(problems);
  }

  /** The names of the running listeners with their bound ports. */
  public Map<String, Integer> boundPorts() {
    Map<String, Integer> out = new TreeMap<>();
    running.forEach((name, r) -> out.put(name, r.responder().localAddress().getPort()));
    return out;
  }
}
