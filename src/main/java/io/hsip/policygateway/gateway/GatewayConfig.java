package io.hsip.policygateway.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Configuration of consent enforcement: time rules, UDP listeners and their limits, decisions. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

  /** Rules for incoming consent requests. */
  Consent consent();

  /** How often expired nonces are deleted from the shared ledger. */
  @WithDefault("60s")
  Duration noncePurgeInterval();

  /**
   * The HSIP UDP listeners, by name ({@code gateway.listeners.<name>.*}): each binds its own port
   * and answers as one target identity with its own key file (docs/operations.md#hsip-listeners).
   */
  Map<String, Listener> listeners();

  /** Limits of the UDP engine, shared by every listener (each listener has its own state). */
  Udp udp();

  /** Requester reputation, until it has its own management. */
  Reputation reputation();

  /** Switches for load measurements only. */
  Benchmark benchmark();

  /** The decision figures every replica writes for the console's dashboard. */
  Stats stats();

  /** Decision figures for the dashboard. */
  interface Stats {
    /** How often this replica writes its counts and heartbeat (the dashboard's delay). */
    @WithDefault("5s")
    Duration flushInterval();
  }

  /** Consent request time rules. */
  interface Consent {
    /** How far a request's {@code ts_ms} may differ from our clock, either way. */
    @WithDefault("60s")
    Duration clockSkew();

    /** How far {@code expires_ms} may lie after {@code ts_ms}. */
    @WithDefault("24h")
    Duration maxLifetime();
  }

  /** One UDP listener. */
  interface Listener {
    /**
     * The UDP port; 40405 (the reference port) for a listener named {@code main}, else required.
     */
    Optional<Integer> port();

    /** The address to bind. */
    @WithDefault("0.0.0.0")
    String bindAddress();

    /** The PKCS#8 PEM Ed25519 key the listener answers (signs consent responses) with. */
    Optional<Path> keyFile();

    /** Generate a throwaway key when the file is missing: development and tests only. */
    @WithDefault("false")
    boolean generateIfMissing();
  }

  /** The UDP engine's limits; the defaults are the engine's own (UdpConsentResponder.Limits). */
  interface Udp {
    /** Sessions (established and pending) kept per listener in all. */
    @WithDefault("10000")
    int maxSessions();

    /** Sessions one host (IPv4 address or IPv6 /64) may hold. */
    @WithDefault("1024")
    int maxSessionsPerHost();

    /** Unauthenticated handshakes one host may start at once. */
    @WithDefault("256")
    int handshakeBurst();

    /** The rate at which a host's handshake allowance refills, per second. */
    @WithDefault("64")
    double handshakesPerSecond();

    /** Requests being decided at once per listener; more are dropped unanswered. */
    @WithDefault("1024")
    int maxRequestsInFlight();

    /** Requests being decided at once per session. */
    @WithDefault("4")
    int maxRequestsInFlightPerSession();

    /** Established sessions unused this long are dropped. */
    @WithDefault("60s")
    Duration idleTimeout();

    /** Larger datagrams are dropped unread. */
    @WithDefault("8192")
    int maxDatagramBytes();

    /** Handshakes one source address may have pending. */
    @WithDefault("4")
    int maxPendingHandshakesPerAddress();

    /** Pending handshakes that authenticate nothing this long are dropped. */
    @WithDefault("10s")
    Duration handshakeTimeout();

    /** Handshakes all hosts together may start at once. */
    @WithDefault("500")
    int globalHandshakeBurst();

    /** The rate at which the global handshake allowance refills, per second. */
    @WithDefault("2000")
    double globalHandshakesPerSecond();

    /** Share (0 to below 1) of the global allowance reserved for recently verified hosts. */
    @WithDefault("0.25")
    double verifiedReserve();

    /** Threads doing handshake key generation and agreement, per listener. */
    @WithDefault("2")
    int handshakeWorkers();

    /** Handshakes waiting for a worker, in each of the two queues. */
    @WithDefault("256")
    int handshakeQueue();
  }

  /** Requester reputation. */
  interface Reputation {
    /** The reputation every requester gets (0-100) until reputation has its own management. */
    @WithDefault("50")
    int neutral();
  }

  /** Load measurement switches; refused at start-up in the prod profile. */
  interface Benchmark {
    /**
     * Decide without the durable audit append (and so without the replay and rate-limit records
     * that commit with it), to measure what the append costs. Never in production.
     */
    @WithDefault("false")
    boolean skipAudit();
  }
}
