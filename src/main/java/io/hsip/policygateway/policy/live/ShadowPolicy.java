package io.hsip.policygateway.policy.live;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.base.Replica;
import io.hsip.policygateway.policy.PolicyConfig;
import io.hsip.policygateway.policy.compile.Compilation;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.model.DecisionChange;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.telemetry.PolicyMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Shadow mode on this replica: the candidate version of the live set (table {@code policy_shadow})
 * is evaluated next to the live policy on every decision, and where it would have answered
 * differently (effect, or granted TTL) the difference is counted by kind and by the rules that
 * matched on each side. The live answer is never changed, delayed by a database call, or put at
 * risk: a shadow that fails to evaluate is counted as failed and nothing else.
 *
 * <p>The shadow is looked up and the counts written every {@code policy.shadow.refresh-interval} (1
 * s by default); a flush that fails keeps its counts for the next one.
 */
@ApplicationScoped
public class ShadowPolicy {

  /**
   * The shadow version in force on this replica.
   *
   * @param shadowId this shadow run
   * @param policy the compiled candidate
   */
  public record Loaded(UUID shadowId, CompiledPolicy policy) {}

  private record Key(UUID shadowId, DecisionChange change, String liveRules, String shadowRules) {}

  private static final class Tally {
    final LongAdder decisions = new LongAdder();
    final AtomicLong firstMs = new AtomicLong(Long.MAX_VALUE);
    final AtomicLong lastMs = new AtomicLong();
  }

  /** Rule lists longer than the column are cut. */
  private static final int MAX_RULES_TEXT = 1000;

  /**
   * Most distinct (change, live rules, shadow rules) groups this replica keeps for the shadow in
   * force (a group's tally stays after a flush, reset to zero, so that no count races its removal);
   * past it new groups are counted under rules {@code *}, so a shadow that differs everywhere costs
   * bounded memory.
   */
  static final int MAX_GROUPS = 10_000;

  private final AgroalDataSource dataSource;
  private final PolicyCompiler compiler;
  private final String policySet;
  private final Clock clock;
  private final String replica = Replica.name();
  private final AtomicReference<@Nullable Loaded> shadow = new AtomicReference<>();

  /** A shadow that did not load here: not compiled again every refresh (nor logged). */
  private @Nullable UUID refused;

  private final Map<Key, Tally> pending = new ConcurrentHashMap<>();
  private final Counter evaluated;
  private final Map<DecisionChange, Counter> differences = new EnumMap<>(DecisionChange.class);

  ShadowPolicy(
      AgroalDataSource dataSource,
      PolicyCompiler compiler,
      PolicyConfig config,
      Clock clock,
      MeterRegistry meters) {
    this.dataSource = dataSource;
    this.compiler = compiler;
    this.policySet = config.liveSet();
    this.clock = clock;
    this.evaluated =
        Counter.builder(PolicyMetrics.SHADOW_EVALUATED)
            .description("Decisions also evaluated against a shadow version of the live policy")
            .register(meters);
    for (DecisionChange change : DecisionChange.values()) {
      differences.put(
          change,
          Counter.builder(PolicyMetrics.SHADOW_DIFFERENCES)
              .tag("change", change.wire())
              .description("Decisions a shadow version would have answered differently")
              .register(meters));
    }
  }

  /** The shadow version loaded on this replica, if any. */
  public Optional<Loaded> current() {
    return Optional.ofNullable(shadow.get());
  }

  /**
   * Evaluates {@code request} against the shadow, if one is loaded, and counts how its answer
   * differs from {@code live}. Never throws and never changes {@code live}.
   */
  public void observe(PolicyRequest request, PolicyDecision live) {
    Loaded loaded = shadow.get();
    if (loaded == null || live.reason() == PolicyDecision.Reason.NO_POLICY) {
      return;
    }
    PolicyDecision candidate;
    try {
      candidate = loaded.policy().evaluate(request);
    } catch (RuntimeException e) {
      Log.debugf(e, "shadow evaluation failed");
      return;
    }
    evaluated.increment();
    DecisionChange change = DecisionChange.between(live, candidate);
    if (change == null) {
      return;
    }
    differences.get(change).increment();
    long now = clock.millis();
    Key key = new Key(loaded.shadowId(), change, rules(live), rules(candidate));
    if (pending.size() >= MAX_GROUPS && !pending.containsKey(key)) {
      key = new Key(loaded.shadowId(), change, "*", "*");
    }
    Tally tally = pending.computeIfAbsent(key, k -> new Tally());
    tally.decisions.increment();
    tally.firstMs.accumulateAndGet(now, Math::min);
    tally.lastMs.accumulateAndGet(now, Math::max);
  }

  /** The matched rule ids as stored: sorted, comma-separated, cut to the column. */
  static String rules(PolicyDecision decision) {
    String text = String.join(",", decision.matchedRuleIds().stream().sorted().toList());
    return text.length() <= MAX_RULES_TEXT ? text : text.substring(0, MAX_RULES_TEXT);
  }

  @Scheduled(
      every = "${policy.shadow.refresh-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduled() {
    try {
      refresh();
    } catch (SQLException | RuntimeException e) {
      Log.warnf("shadow policy: refresh failed (%s); counts kept for the next one", e.getMessage());
    }
  }

  void stop(@Observes ShutdownEvent event) {
    try {
      flush();
    } catch (SQLException | RuntimeException e) {
      Log.warnf("shadow policy: last flush failed (%s)", e.getMessage());
    }
  }

  /** Loads, replaces or drops the shadow as the database says, then writes the pending counts. */
  public synchronized void refresh() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "SELECT shadow_id, digest, canonical FROM policy_shadow WHERE policy_set = ?")) {
      select.setString(1, policySet);
      try (ResultSet row = select.executeQuery()) {
        Loaded loaded = shadow.get();
        if (!row.next()) {
          if (loaded != null) {
            Log.infof("shadow policy: the shadow of %s ended", policySet);
          }
          shadow.set(null);
        } else {
          UUID id = row.getObject(1, UUID.class);
          if ((loaded == null || !loaded.shadowId().equals(id)) && !id.equals(refused)) {
            load(id, row.getString(2), row.getString(3));
          }
        }
      }
    }
    flush();
  }

  private void load(UUID id, String digest, String canonical) {
    Compilation compilation = compiler.compileForEnforcement(canonical, digest);
    CompiledPolicy policy = compilation.policy();
    if (policy == null || !policy.digest().equals(digest)) {
      Log.errorf("shadow policy: shadow %s of %s does not load here; none in force", id, policySet);
      shadow.set(null);
      refused = id;
      return;
    }
    shadow.set(new Loaded(id, policy));
    Log.infof(
        "shadow policy: %s shadow %s (sha256:%s) is evaluated next to the live version",
        policySet, id, digest.substring(0, 12));
  }

  /** Writes the pending counts; public for tests. */
  public synchronized void flush() throws SQLException {
    if (pending.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement upsert =
            c.prepareStatement(
                """
                INSERT INTO policy_shadow_difference
                  (shadow_id, replica, change, live_rules, shadow_rules, decisions, first_at, last_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (shadow_id, replica, change, live_rules, shadow_rules) DO UPDATE
                  SET decisions = policy_shadow_difference.decisions + excluded.decisions,
                      last_at = greatest(policy_shadow_difference.last_at, excluded.last_at)
                """)) {
      Map<Key, long[]> taken = new java.util.HashMap<>();
      for (Map.Entry<Key, Tally> entry : pending.entrySet()) {
        long n = entry.getValue().decisions.sumThenReset();
        if (n > 0) {
          taken.put(
              entry.getKey(),
              new long[] {n, entry.getValue().firstMs.get(), entry.getValue().lastMs.get()});
        }
      }
      try {
        for (Map.Entry<Key, long[]> entry : taken.entrySet()) {
          Key key = entry.getKey();
          long[] t = entry.getValue();
          upsert.setObject(1, key.shadowId());
          upsert.setString(2, replica);
          upsert.setString(3, key.change().wire());
          upsert.setString(4, key.liveRules());
          upsert.setString(5, key.shadowRules());
          upsert.setLong(6, t[0]);
          upsert.setTimestamp(7, new Timestamp(t[1]));
          upsert.setTimestamp(8, new Timestamp(t[2]));
          upsert.addBatch();
        }
        upsert.executeBatch();
      } catch (SQLException e) {
        // Keep the counts for the next flush.
        taken.forEach((key, t) -> pending.get(key).decisions.add(t[0]));
        throw e;
      }
    }
    // Groups of a shadow that has ended are done with once written.
    Loaded current = shadow.get();
    pending
        .entrySet()
        .removeIf(
            e ->
                (current == null || !e.getKey().shadowId().equals(current.shadowId()))
                    && e.getValue().decisions.sum() == 0);
  }
}
