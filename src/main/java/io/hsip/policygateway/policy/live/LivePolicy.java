package io.hsip.policygateway.policy.live;

import io.hsip.policygateway.policy.PolicyConfig;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.telemetry.PolicyMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jspecify.annotations.Nullable;

/**
 * The policy this replica enforces: the latest published version of {@code policy.live-set}, kept
 * current by a {@link PolicyReloader} on a dedicated connection. Deciding never touches the
 * database. Without a loaded policy every decision is a deny (fail closed,
 * docs/decisions.md#fail-closed).
 */
@ApplicationScoped
public class LivePolicy {

  private final PolicyConfig config;
  private final PolicyCompiler compiler;
  private final String jdbcUrl;
  private final String user;
  private final Optional<String> password;
  private final AtomicReference<@Nullable CompiledPolicy> live = new AtomicReference<>();
  private final ShadowPolicy shadow;
  private final Counter failClosed;
  private @Nullable PolicyReloader reloader;

  LivePolicy(
      PolicyConfig config,
      PolicyCompiler compiler,
      ShadowPolicy shadow,
      MeterRegistry meters,
      @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
      @ConfigProperty(name = "quarkus.datasource.username") String user,
      @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
    this.config = config;
    this.compiler = compiler;
    this.shadow = shadow;
    // Fail-closed denies must stay at 0 in production (docs/decisions.md#fail-closed: counted and
    // traced).
    this.failClosed =
        Counter.builder(PolicyMetrics.FAIL_CLOSED)
            .description(
                "Decisions denied because no policy was loaded or a condition could not be evaluated")
            .register(meters);
    Gauge.builder(
            PolicyMetrics.LIVE_VERSION,
            live,
            l -> {
              CompiledPolicy p = l.get();
              return p == null ? 0 : p.version();
            })
        .description("The published version of the live policy set this replica enforces (0: none)")
        .tag("set", config.liveSet())
        .register(meters);
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  void start(@Observes StartupEvent event) {
    if (!config.reload().enabled()) {
      return;
    }
    PolicyConfig.Reload reload = config.reload();
    PolicyReloader started =
        new PolicyReloader(
            "live",
            this::connect,
            config.liveSet(),
            compiler,
            new PolicyReloader.Timing(
                reload.pollInterval(),
                reload.reconnectDelay(),
                reload.heartbeat(),
                reload.networkTimeout()),
            live::set);
    started.start();
    reloader = started;
    CompilerWarmUp.start(compiler.limits(), reload.warmUpRules());
  }

  void stop(@Observes ShutdownEvent event) {
    PolicyReloader running = reloader;
    if (running != null) {
      running.close();
    }
  }

  /**
   * Decides a request with the live policy; a deny when none is loaded. A shadow version, if one is
   * loaded, is evaluated too, and only counted ({@link ShadowPolicy}).
   */
  public PolicyDecision decide(PolicyRequest request) {
    CompiledPolicy policy = live.get();
    if (policy == null) {
      failClosed.increment();
      return PolicyDecision.noPolicy(
          request.requestedTtlMs(), "no version of policy set " + config.liveSet() + " is loaded");
    }
    PolicyDecision decision = policy.evaluate(request);
    if (decision.reason() == PolicyDecision.Reason.EVALUATION_FAILED) {
      failClosed.increment();
    }
    shadow.observe(request, decision);
    return decision;
  }

  /** The live policy, if one is loaded. */
  public Optional<CompiledPolicy> current() {
    return Optional.ofNullable(live.get());
  }

  /** The set this replica enforces. */
  public String policySet() {
    return config.liveSet();
  }

  private java.sql.Connection connect() throws java.sql.SQLException {
    Properties props =
        listenerProperties(
            additionalJdbcProperties(), user, password, config.reload().networkTimeout());
    java.sql.Connection connection = DriverManager.getConnection(jdbcUrl, props);
    connection.setAutoCommit(true);
    return connection;
  }

  private static final String ADDITIONAL = "quarkus.datasource.jdbc.additional-jdbc-properties.";

  /**
   * The datasource's {@code additional-jdbc-properties} (TLS, target server type, ...), by driver
   * name.
   */
  private static Map<String, String> additionalJdbcProperties() {
    org.eclipse.microprofile.config.Config all = ConfigProvider.getConfig();
    Map<String, String> out = new TreeMap<>();
    for (String name : all.getPropertyNames()) {
      if (name.startsWith(ADDITIONAL)) {
        all.getOptionalValue(name, String.class)
            .ifPresent(v -> out.put(name.substring(ADDITIONAL.length()), v));
      }
    }
    return out;
  }

  /**
   * Driver properties of the listening connection: those of the datasource (so it connects as the
   * pool does, TLS included), plus the timeouts a connection that waits for notifications needs:
   * without a socket timeout and TCP keep-alive a silently dead connection blocks its reader
   * forever. The datasource's own settings win here, except that the reloader then sets the
   * connection's network timeout to {@code policy.reload.network-timeout} whatever {@code
   * socketTimeout} says: its dead-connection check relies on it.
   */
  static Properties listenerProperties(
      Map<String, String> datasource,
      String user,
      Optional<String> password,
      Duration networkTimeout) {
    Properties props = new Properties();
    long seconds = Math.max(1, (networkTimeout.toMillis() + 999) / 1000);
    props.setProperty("socketTimeout", Long.toString(seconds));
    props.setProperty("connectTimeout", Long.toString(seconds));
    props.setProperty("loginTimeout", Long.toString(seconds));
    props.setProperty("tcpKeepAlive", "true");
    props.putAll(datasource);
    props.setProperty("user", user);
    password.ifPresent(p -> props.setProperty("password", p));
    props.setProperty("ApplicationName", "hsip-policy-reloader");
    return props;
  }
}
