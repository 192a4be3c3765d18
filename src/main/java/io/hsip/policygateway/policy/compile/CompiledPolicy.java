package io.hsip.policygateway.policy.compile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hsip.policygateway.policy.compile.internal.CelConditions;
import io.hsip.policygateway.policy.compile.internal.CompiledRule;
import io.hsip.policygateway.policy.compile.internal.RequestFacts;
import io.hsip.policygateway.policy.compile.internal.RuleIndex;
import io.hsip.policygateway.policy.model.Effect;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyDocument;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.Rule;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A policy document compiled for evaluation: immutable, thread-safe, indexed so that a decision
 * tests only the rules that can match. Semantics (docs/decisions.md#policy-semantics): default
 * deny; any matching deny wins; an allow grants the requested TTL capped by every matching allow's
 * {@code ttl_cap} and by {@code max_ttl}; a condition that cannot be evaluated denies (fail
 * closed).
 */
public final class CompiledPolicy {

  private static final ObjectMapper TREE_READER =
      new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

  private final PolicyDocument document;
  private volatile @Nullable JsonNode tree;
  private final String canonical;
  private final String digest;
  private final PolicyDecision.PolicyRef ref;
  private final CompiledRule[] rules;
  private final RuleIndex index;
  private final ZoneRules zone;
  private final long maxTtlMs;

  CompiledPolicy(
      PolicyDocument document,
      String canonical,
      String digest,
      List<CompiledRule> rules,
      int version) {
    this.document = document;
    this.tree = null; // the compiler's tree is dropped: see tree()
    this.canonical = canonical;
    this.digest = digest;
    this.ref = new PolicyDecision.PolicyRef(document.policySet(), version, digest);
    this.rules = rules.toArray(CompiledRule[]::new);
    this.index = new RuleIndex(document.rules());
    this.zone = document.zone().getRules();
    this.maxTtlMs = document.maxTtl() == null ? Long.MAX_VALUE : document.maxTtl().toMillis();
  }

  private CompiledPolicy(CompiledPolicy source, int version) {
    this.document = source.document;
    this.canonical = source.canonical;
    this.digest = source.digest;
    this.ref = new PolicyDecision.PolicyRef(document.policySet(), version, digest);
    this.rules = source.rules;
    this.index = source.index;
    this.zone = source.zone;
    this.maxTtlMs = source.maxTtlMs;
  }

  /** The same policy, labelled as published version {@code version}. */
  public CompiledPolicy asVersion(int version) {
    return new CompiledPolicy(this, version);
  }

  /** The document. */
  public PolicyDocument document() {
    return document;
  }

  /**
   * The document's data as a JSON tree (for diffs), read again from the canonical JSON when first
   * asked for: the tree is about half of a compiled policy's memory (30 MB at 20,000 rules), and
   * only diffs need it.
   */
  public JsonNode tree() {
    JsonNode read = tree;
    if (read == null) {
      try {
        read = TREE_READER.readTree(canonical);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("the canonical form does not read back as JSON", e);
      }
      tree = read;
    }
    return read;
  }

  /** The canonical JSON text the digest is taken over. */
  public String canonicalJson() {
    return canonical;
  }

  /** SHA-256 of the canonical JSON, lowercase hex. */
  public String digest() {
    return digest;
  }

  /** The published version this was labelled with, 0 if none. */
  public int version() {
    return ref.version();
  }

  /** Decides {@code request}. Never throws for a well-formed request. */
  public PolicyDecision evaluate(PolicyRequest request) {
    RuleIndex.Candidates candidates = index.candidates(request);
    RequestFacts facts = new RequestFacts(request, zone);
    List<Rule> matched = new ArrayList<>(4);
    List<Rule> denies = null;
    long granted = Math.min(request.requestedTtlMs(), maxTtlMs);
    for (int c = 0; c < candidates.size(); c++) {
      CompiledRule rule = rules[candidates.get(c)];
      boolean matches;
      try {
        matches = rule.matches(facts);
      } catch (CelConditions.ConditionFailedException e) {
        return new PolicyDecision(
            Effect.DENY,
            PolicyDecision.Reason.EVALUATION_FAILED,
            0,
            request.requestedTtlMs(),
            matched,
            List.of(rule.rule()),
            "condition of rule " + rule.rule().id() + " failed: " + e.getMessage(),
            ref,
            document.zone());
      }
      if (!matches) {
        continue;
      }
      matched.add(rule.rule());
      if (rule.deny()) {
        if (denies == null) {
          denies = new ArrayList<>(2);
        }
        denies.add(rule.rule());
      } else if (rule.ttlCapMs() < granted) {
        granted = rule.ttlCapMs();
      }
    }
    if (denies != null) {
      return new PolicyDecision(
          Effect.DENY,
          PolicyDecision.Reason.DENIED_BY_RULE,
          0,
          request.requestedTtlMs(),
          matched,
          denies,
          null,
          ref,
          document.zone());
    }
    if (matched.isEmpty()) {
      return new PolicyDecision(
          Effect.DENY,
          PolicyDecision.Reason.NO_MATCHING_RULE,
          0,
          request.requestedTtlMs(),
          List.of(),
          List.of(),
          null,
          ref,
          document.zone());
    }
    List<Rule> capping = List.of();
    if (granted < request.requestedTtlMs()) {
      capping = new ArrayList<>(1);
      for (Rule rule : matched) {
        if (rule.ttlCap() != null && rule.ttlCap().toMillis() == granted) {
          capping.add(rule);
        }
      }
    }
    return new PolicyDecision(
        Effect.ALLOW,
        PolicyDecision.Reason.ALLOWED,
        granted,
        request.requestedTtlMs(),
        matched,
        capping,
        null,
        ref,
        document.zone());
  }
}
