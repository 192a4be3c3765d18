package io.hsip.policygateway.gateway.decision;

import io.hsip.policygateway.audit.AuditAppendException;
import io.hsip.policygateway.audit.AuditCondition;
import io.hsip.policygateway.audit.AuditConditionFailedException;
import io.hsip.policygateway.audit.AuditEntry;
import io.hsip.policygateway.audit.AuditKind;
import io.hsip.policygateway.audit.AuditLog;
import io.hsip.policygateway.directory.DirectoryIdentity;
import io.hsip.policygateway.directory.PeerDirectory;
import io.hsip.policygateway.directory.RequesterFacts;
import io.hsip.policygateway.gateway.GatewayConfig;
import io.hsip.policygateway.gateway.ratelimit.RateLimitCondition;
import io.hsip.policygateway.gateway.replay.NonceCondition;
import io.hsip.policygateway.gateway.stats.DecisionStats;
import io.hsip.policygateway.hsip.consent.ConsentRejectedException;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.policy.live.LivePolicy;
import io.hsip.policygateway.policy.model.Effect;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.RecordedFacts;
import io.hsip.policygateway.telemetry.DecisionMetrics;
import io.hsip.policygateway.telemetry.DecisionSpans;
import io.hsip.policygateway.telemetry.SpanAttributes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The one decision pipeline of both front doors. Each stage is a small named step under its own
 * span ({@link DecisionSpans}) inside one decision span:
 *
 * <ol>
 *   <li><b>verify</b>: strict Ed25519 signature, {@code pid} = PeerID of {@code pub} (the fields
 *       are canonical by construction: {@link ConsentRequest#parse} refuses anything else);
 *   <li><b>freshness</b>: clock skew both ways, expiry, lifetime ({@link
 *       ConsentValidator#checkTime}, which records nothing);
 *   <li><b>facts</b>: requester and target from the {@link PeerDirectory}; the configured neutral
 *       reputation;
 *   <li><b>policy</b>: the {@link LivePolicy} (none loaded: deny {@code no_policy});
 *   <li><b>audit</b>: exactly one entry per decision, committed with the replay record of every
 *       verified fresh request and, for an allow, the rate-limit counts of its rules, so the
 *       ledger, the counts and the log never disagree. A condition that fails turns the decision
 *       into a deny ({@code replayed} or {@code rate_limited}) whose entry is written instead; a
 *       log that cannot commit turns it into {@code audit_unavailable}, counted but not recorded;
 *   <li><b>sign</b> (UDP): the consent response, signed by the answering identity's key.
 * </ol>
 *
 * <p>Every failure is a deny with a reason code ({@link DecisionReason}). Only a verified PeerID
 * becomes an audit subject: a request whose signature failed is audited without one.
 */
@ApplicationScoped
public class DecisionPipeline {

  private static final String ACTOR = "gateway";
  private static final String ACTION = "consent.decide";

  private final ConsentValidator validator;
  private final Instance<PeerDirectory> directory;
  private final LivePolicy policy;
  private final AuditLog audit;
  private final GatewayConfig config;
  private final Clock clock;
  private final Tracer tracer;
  private final DecisionStats stats;
  private final Map<FrontDoor, Map<DecisionReason, Counter>> counters =
      new EnumMap<>(FrontDoor.class);
  private final Map<FrontDoor, Timer> timers = new EnumMap<>(FrontDoor.class);

  DecisionPipeline(
      ConsentValidator validator,
      Instance<PeerDirectory> directory,
      LivePolicy policy,
      AuditLog audit,
      GatewayConfig config,
      Clock clock,
      Tracer tracer,
      MeterRegistry meters,
      DecisionStats stats) {
    this.validator = validator;
    this.directory = directory;
    this.policy = policy;
    this.audit = audit;
    this.config = config;
    this.clock = clock;
    this.tracer = tracer;
    this.stats = stats;
    for (FrontDoor door : FrontDoor.values()) {
      Map<DecisionReason, Counter> byReason = new EnumMap<>(DecisionReason.class);
      for (DecisionReason reason : DecisionReason.values()) {
        byReason.put(
            reason,
            Counter.builder(DecisionMetrics.DECISIONS)
                .description("Consent decisions by front door, effect and reason code")
                .tag("front_door", door.wire())
                .tag("effect", reason.allows() ? "allow" : "deny")
                .tag("reason", reason.wire())
                .register(meters));
      }
      counters.put(door, byReason);
      timers.put(
          door,
          Timer.builder(DecisionMetrics.DURATION)
              .description("Time from a received consent request to its answer")
              .tag("front_door", door.wire())
              .publishPercentileHistogram()
              .register(meters));
    }
  }

  void checkBenchmarkSwitch(@Observes StartupEvent event) {
    refuseSkipAuditInProd(config.benchmark().skipAudit(), ConfigUtils.getProfiles());
  }

  /**
   * Allows the benchmark switch only under the test or dev profile: any other profile (prod, or a
   * production profile of another name) always audits.
   */
  static void refuseSkipAuditInProd(boolean skipAudit, List<String> profiles) {
    if (skipAudit && !(profiles.contains("test") || profiles.contains("dev"))) {
      throw new IllegalStateException(
          "gateway.benchmark.skip-audit=true is for load measurements only and is refused outside"
              + " the test and dev profiles");
    }
    if (skipAudit) {
      Log.warn(
          "gateway.benchmark.skip-audit=true: DECISIONS ARE NOT AUDITED and nonces and rate limits"
              + " are not recorded. Load measurements only.");
    }
  }

  /**
   * Decides {@code request}, addressed to {@code targetPeerId}, and records it.
   *
   * @param targetPeerId the identity the request is addressed to (a listener's identity, or the
   *     daemon's bound identity)
   */
  public Decision decide(ConsentRequest request, String targetPeerId, FrontDoor door) {
    long start = System.nanoTime();
    Span root = tracer.spanBuilder(DecisionSpans.DECISION).startSpan();
    try (Scope ignored = root.makeCurrent()) {
      root.setAttribute(SpanAttributes.FRONT_DOOR, door.wire());
      Decision decision = run(request, targetPeerId, door);
      finish(root, door, decision.reason());
      return decision;
    } finally {
      root.end();
      timers.get(door).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  /** The signed consent response to {@code request}, answering as {@code key}, and its decision. */
  public Answered answer(ConsentRequest request, SigningKey key, FrontDoor door) {
    long start = System.nanoTime();
    Span root = tracer.spanBuilder(DecisionSpans.DECISION).startSpan();
    try (Scope ignored = root.makeCurrent()) {
      root.setAttribute(SpanAttributes.FRONT_DOOR, door.wire());
      Decision decision = run(request, key.peerId().value(), door);
      ConsentResponse response =
          stage(
              DecisionSpans.SIGN,
              () ->
                  decision.allows()
                      ? ConsentResponse.allow(key, request, decision.ttlMs(), decision.atMs())
                      : ConsentResponse.deny(key, request, decision.atMs()));
      finish(root, door, decision.reason());
      return new Answered(decision, response, root.getSpanContext());
    } finally {
      root.end();
      timers.get(door).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Counts a request that never reached the pipeline because it was not a well-formed consent
   * request (reason {@code malformed}). Not audited: nothing in it is authenticated.
   */
  public void countMalformed(FrontDoor door) {
    counters.get(door).get(DecisionReason.MALFORMED).increment();
  }

  /**
   * A decision and the response signed for it.
   *
   * @param decision the decision
   * @param response the consent response signed by the answering identity
   * @param span the decision's span, under which the front door traces sending the response
   */
  public record Answered(Decision decision, ConsentResponse response, SpanContext span) {}

  private void finish(Span root, FrontDoor door, DecisionReason reason) {
    root.setAttribute(SpanAttributes.DECISION_EFFECT, reason.allows() ? "allow" : "deny");
    root.setAttribute(SpanAttributes.DECISION_REASON, reason.wire());
    counters.get(door).get(reason).increment();
  }

  private Decision run(ConsentRequest request, String targetPeerId, FrontDoor door) {
    long now = clock.millis();
    Draft draft = new Draft(request, targetPeerId, door, now);
    Decision decision;
    try {
      decision = stages(draft, request, targetPeerId, now);
    } catch (RuntimeException e) {
      // A defect, not a verdict (the stages catch what they expect): deny, record it like any
      // other decision, and leave the cause in the log for the operator.
      Log.errorf(e, "Decision failed unexpectedly; denied as internal_error");
      draft.policy = null;
      decision = record(draft.deny(DecisionReason.INTERNAL_ERROR), List.of());
    }
    stats.count(
        decision.allows(),
        decision.reason().wire(),
        draft.policy == null ? List.of() : draft.policy.matchedRuleIds());
    return decision;
  }

  private Decision stages(Draft draft, ConsentRequest request, String targetPeerId, long now) {

    DecisionReason failure = stage(DecisionSpans.VERIFY, () -> verify(request));
    if (failure != null) {
      return record(draft.deny(failure), List.of());
    }
    draft.requester = request.requesterPeerId();

    failure = stage(DecisionSpans.FRESHNESS, () -> freshness(request, now));
    if (failure != null) {
      return record(draft.deny(failure), List.of());
    }
    // From here on the request is authentic and fresh: its nonce is spent with its entry.
    NonceCondition nonce =
        new NonceCondition(
            request.requesterPeerId(),
            request.nonceHex(),
            Instant.ofEpochMilli(now),
            Instant.ofEpochMilli(validator.nonceRetainUntil(request)));

    PolicyRequest policyRequest = stage(DecisionSpans.FACTS, () -> facts(draft));
    if (policyRequest == null) {
      return record(draft.deny(DecisionReason.DIRECTORY_UNAVAILABLE), List.of(nonce));
    }

    PolicyDecision decided = stage(DecisionSpans.POLICY, () -> policy.decide(policyRequest));
    draft.policy = decided;
    List<AuditCondition> conditions = new ArrayList<>();
    conditions.add(nonce);
    if (decided.effect() == Effect.ALLOW && decided.grantedTtlMs() > 0) {
      draft.reason = DecisionReason.ALLOWED;
      draft.ttlMs = decided.grantedTtlMs();
      conditions.addAll(
          RateLimitCondition.of(decided, draft.requester, targetPeerId, Instant.ofEpochMilli(now)));
    } else {
      draft.reason =
          decided.reason() == PolicyDecision.Reason.NO_POLICY
              ? DecisionReason.NO_POLICY
              : DecisionReason.POLICY_DENY;
    }
    return record(draft, conditions);
  }

  private static @Nullable DecisionReason verify(ConsentRequest request) {
    try {
      ConsentValidator.verifySignature(request);
      return null;
    } catch (ConsentRejectedException e) {
      return e.reason() == ConsentRejectedException.Reason.PEER_ID_MISMATCH
          ? DecisionReason.PID_MISMATCH
          : DecisionReason.BAD_SIGNATURE;
    }
  }

  private @Nullable DecisionReason freshness(ConsentRequest request, long now) {
    try {
      validator.checkTime(request, now);
    } catch (ConsentRejectedException e) {
      return switch (e.reason()) {
        case STALE, FROM_FUTURE -> DecisionReason.STALE;
        case EXPIRES_BEFORE_CREATION -> DecisionReason.EXPIRES_BEFORE_CREATION;
        case LIFETIME_TOO_LONG -> DecisionReason.LIFETIME_TOO_LONG;
        default -> DecisionReason.EXPIRED;
      };
    }
    // Expiring this very millisecond leaves nothing to grant.
    return request.expiresMs() - now > 0 ? null : DecisionReason.EXPIRED;
  }

  private @Nullable PolicyRequest facts(Draft draft) {
    RequesterFacts requester;
    Optional<DirectoryIdentity> target;
    try {
      // Resolved per decision: without a directory implementation every decision fails closed.
      PeerDirectory peers = directory.get();
      requester = peers.requester(draft.request.requesterPeerId());
      target = peers.identity(draft.targetPeerId);
    } catch (RuntimeException e) {
      // The directory cannot say who is asking or whom: fail closed.
      Log.debugf("Directory unavailable for a decision: %s", e.getMessage());
      return null;
    }
    draft.requesterKind = requester.kind().wire();
    PolicyRequest.Target facts =
        target
            .map(
                t ->
                    t.kind() == DirectoryIdentity.Kind.SERVICE
                        ? new PolicyRequest.Target(null, Set.of(), t.name())
                        : new PolicyRequest.Target(t.peerId(), t.groups(), null))
            .orElseGet(() -> new PolicyRequest.Target(draft.targetPeerId, Set.of(), null));
    draft.targetKind = target.map(t -> t.kind().name().toLowerCase(Locale.ROOT)).orElse("unknown");
    draft.facts =
        new PolicyRequest(
            new PolicyRequest.Requester(
                requester.peerId(),
                requester.kind(),
                requester.groups(),
                config.reputation().neutral()),
            facts,
            draft.request.purpose(),
            draft.request.expiresMs() - draft.atMs,
            draft.atMs);
    return draft.facts;
  }

  /**
   * The audit stage: writes the decision's one entry with its conditions, or the deny it turns
   * into.
   */
  private Decision record(Draft draft, List<AuditCondition> conditions) {
    return stage(DecisionSpans.AUDIT_APPEND, () -> append(draft, conditions));
  }

  private Decision append(Draft draft, List<AuditCondition> conditions) {
    if (config.benchmark().skipAudit()) {
      return draft.decision(null);
    }
    try {
      return draft.decision(audit.append(draft.entry(), conditions));
    } catch (AuditConditionFailedException refused) {
      boolean replayed = refused.refusals().contains(NonceCondition.REFUSAL);
      draft.deny(replayed ? DecisionReason.REPLAYED : DecisionReason.RATE_LIMITED);
      List<AuditCondition> nonceOnly =
          replayed
              ? List.of()
              : conditions.stream().filter(c -> c instanceof NonceCondition).toList();
      return appendDeny(draft, nonceOnly);
    } catch (RuntimeException e) {
      return unavailable(draft, e);
    }
  }

  /**
   * The log could not make the entry durable ({@link AuditAppendException}, or anything else the
   * append threw): deny, recorded nowhere, counted by the caller.
   */
  private static Decision unavailable(Draft draft, RuntimeException e) {
    if (!(e instanceof AuditAppendException)) {
      Log.warnf("Audit append failed unexpectedly; decision denied: %s", e.toString());
    }
    return draft.deny(DecisionReason.AUDIT_UNAVAILABLE).decision(null);
  }

  /**
   * Records the deny a refused condition turned the decision into. A rate-limited request still
   * spends its nonce (so it cannot be replayed into the next window); if the nonce turns out to be
   * spent meanwhile, the deny is a replay and is recorded without conditions.
   */
  private Decision appendDeny(Draft draft, List<AuditCondition> conditions) {
    try {
      return draft.decision(audit.append(draft.entry(), conditions));
    } catch (AuditConditionFailedException refused) {
      draft.deny(DecisionReason.REPLAYED);
      return appendDeny(draft, List.of());
    } catch (RuntimeException e) {
      return unavailable(draft, e);
    }
  }

  private <T> T stage(String name, Supplier<T> body) {
    Span span = tracer.spanBuilder(name).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      return body.get();
    } finally {
      span.end();
    }
  }

  /** What is known about a decision while the stages run. */
  private static final class Draft {
    final ConsentRequest request;
    final String targetPeerId;
    final FrontDoor door;
    final long atMs;
    final String requestHash;
    @Nullable String requester;
    @Nullable String requesterKind;
    @Nullable String targetKind;
    @Nullable PolicyDecision policy;

    /** What the policy decides on, recorded so that the decision can be replayed. */
    @Nullable PolicyRequest facts;

    DecisionReason reason = DecisionReason.POLICY_DENY;
    long ttlMs;

    Draft(ConsentRequest request, String targetPeerId, FrontDoor door, long atMs) {
      this.request = request;
      this.targetPeerId = targetPeerId;
      this.door = door;
      this.atMs = atMs;
      // The protocol's request hash: what the signed response binds to (docs/protocol.md).
      this.requestHash = request.hashHex();
    }

    Draft deny(DecisionReason why) {
      reason = why;
      ttlMs = 0;
      return this;
    }

    Decision decision(@Nullable Long seq) {
      PolicyDecision.PolicyRef ref = policy == null ? null : policy.policy();
      return new Decision(reason, ttlMs, atMs, requestHash, requester, targetPeerId, ref, seq);
    }

    AuditEntry entry() {
      AuditEntry.Builder entry =
          AuditEntry.builder(AuditKind.DECISION, ACTOR, ACTION)
              .subject(requester)
              .outcome(reason.allows() ? "allow" : "deny")
              .requestHash(requestHash)
              .detail("reason", reason.wire())
              .detail("front_door", door.wire())
              .detail("purpose", request.purpose())
              .detail("ttl_ms", Long.toString(ttlMs));
      SpanContext trace = Span.current().getSpanContext();
      if (trace.isValid()) {
        entry.trace(trace.getTraceId(), trace.getSpanId());
      }
      if (requesterKind != null) {
        entry.detail("requester_kind", requesterKind);
      }
      if (targetKind != null) {
        entry.detail("target_kind", targetKind);
      }
      if (facts != null) {
        Map<String, String> recorded = RecordedFacts.details(facts, AuditEntry.MAX_DETAIL_LENGTH);
        recorded.forEach(entry::detail);
        String member = facts.target().member();
        if (!recorded.isEmpty() && member != null) {
          entry.peerDetail(RecordedFacts.TARGET_MEMBER, member);
        }
      }
      if (policy != null) {
        PolicyDecision.PolicyRef ref = policy.policy();
        if (ref != null) {
          entry
              .policyVersion(ref.digest())
              .detail("policy_set", ref.policySet())
              .detail("policy_version", Integer.toString(ref.version()));
        }
        entry.detail("policy_reason", policy.reason().wire());
        String rules = String.join(",", policy.matchedRuleIds());
        if (!rules.isEmpty()) {
          entry.explanation(
              rules.length() <= AuditEntry.MAX_FIELD_LENGTH
                  ? rules
                  : rules.substring(0, AuditEntry.MAX_FIELD_LENGTH));
        }
      }
      return entry.build();
    }
  }
}
