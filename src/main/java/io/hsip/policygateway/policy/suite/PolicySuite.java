package io.hsip.policygateway.policy.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsip.policygateway.policy.compile.Compilation;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.Finding;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.compile.PolicySchema;
import io.hsip.policygateway.policy.compile.YamlTree;
import io.hsip.policygateway.policy.model.DurationText;
import io.hsip.policygateway.policy.model.Effect;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.RequesterKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A policy test suite ({@code policies/tests/*.yaml}): a policy file and cases, each a request with
 * the expected effect, granted TTL, matched rules and, optionally, reason. {@code defaults} fill in
 * what cases leave out ({@code requester} and {@code target} key by key).
 *
 * <pre>
 * suite: colleagues
 * policy: ../example-org.yaml          # relative to the suite file
 * defaults: {at: "2026-03-04T10:00:00+01:00", ttl: 30m, requester: {kind: member, reputation: 80}}
 * cases:
 *   - name: finance staff close the books together
 *     request: {requester: {groups: [finance]}, target: {groups: [finance]}, purpose: finance.close, ttl: 2h}
 *     expect: {effect: allow, ttl: 2h, rules: [allow-finance-internal]}
 * </pre>
 *
 * @param name the suite's name
 * @param file where it was read from
 * @param policyFile the policy it tests
 * @param cases its cases
 */
public record PolicySuite(String name, Path file, Path policyFile, List<Case> cases) {

  private static final YamlTree.Limits LIMITS = new YamlTree.Limits(1024 * 1024, 16, 200_000, 0);
  private static final String DEFAULT_PEER = "ANYPEER2222222222222222222";

  /**
   * One case.
   *
   * @param name what it shows
   * @param line where it starts in the suite file
   * @param request the request
   * @param effect expected effect
   * @param ttlMs expected granted TTL, or null to not check
   * @param rules expected matched rule ids (any order), or null to not check
   * @param reason expected reason, or null to not check
   */
  public record Case(
      String name,
      int line,
      PolicyRequest request,
      Effect effect,
      @Nullable Long ttlMs,
      @Nullable Set<String> rules,
      PolicyDecision.@Nullable Reason reason) {}

  /**
   * The outcome of one case.
   *
   * @param testCase the case
   * @param decision what the policy decided
   * @param failures every expectation that did not hold (empty: passed)
   */
  public record CaseResult(Case testCase, PolicyDecision decision, List<String> failures) {
    /** Whether every expectation held. */
    public boolean passed() {
      return failures.isEmpty();
    }
  }

  /**
   * The outcome of a suite.
   *
   * @param suite the suite
   * @param policyFindings errors and warnings of its policy (when there are errors no case ran)
   * @param ruleIds the ids of the policy's rules in document order (empty when it did not compile)
   * @param results one per case
   */
  public record Result(
      PolicySuite suite,
      List<Finding> policyFindings,
      List<String> ruleIds,
      List<CaseResult> results) {
    /** Whether the policy compiled and every case passed. */
    public boolean passed() {
      return policyFindings.stream().noneMatch(Finding::isError)
          && results.stream().allMatch(CaseResult::passed);
    }

    /** How many cases failed. */
    public long failed() {
      return results.stream().filter(r -> !r.passed()).count();
    }
  }

  /** A suite file that cannot be used, with where the problem is. */
  public static final class SuiteException extends Exception {
    private static final long serialVersionUID = 1L;

    SuiteException(String message) {
      super(message);
    }
  }

  /** Reads a suite file. */
  public static PolicySuite load(Path file) throws SuiteException {
    String source;
    try {
      source = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new SuiteException(file + " does not exist");
    } catch (IOException e) {
      throw new SuiteException("cannot read " + file + ": " + e.getClass().getSimpleName());
    }
    YamlTree tree;
    try {
      tree = YamlTree.read(source, LIMITS);
    } catch (YamlTree.YamlTreeException e) {
      throw new SuiteException(file + ":" + e.line() + ":" + e.column() + ": " + e.getMessage());
    }
    return new Reader(file, tree).suite();
  }

  /** Every {@code *.yaml} suite in a directory, by file name, or the one file given. */
  public static List<Path> find(Path fileOrDirectory) throws SuiteException {
    if (!Files.isDirectory(fileOrDirectory)) {
      return List.of(fileOrDirectory);
    }
    try (var files = Files.list(fileOrDirectory)) {
      List<Path> suites =
          files
              .filter(
                  p ->
                      p.getFileName().toString().endsWith(".yaml")
                          || p.getFileName().toString().endsWith(".yml"))
              .sorted()
              .toList();
      if (suites.isEmpty()) {
        throw new SuiteException(fileOrDirectory + " holds no *.yaml suites");
      }
      return suites;
    } catch (IOException e) {
      throw new SuiteException(
          "cannot list " + fileOrDirectory + ": " + e.getClass().getSimpleName());
    }
  }

  /** Compiles the suite's policy and runs every case against it. */
  public Result run(PolicyCompiler compiler) throws SuiteException {
    byte[] policy;
    try {
      long size = Files.size(policyFile);
      if (size > compiler.limits().maxBytes()) {
        return new Result(this, compiler.tooLarge(size).findings(), List.of(), List.of());
      }
      policy = Files.readAllBytes(policyFile);
    } catch (NoSuchFileException e) {
      throw new SuiteException(file + ": policy " + policyFile + " does not exist");
    } catch (IOException e) {
      throw new SuiteException(
          file + ": cannot read policy " + policyFile + ": " + e.getClass().getSimpleName());
    }
    Compilation compilation = compiler.compile(policy);
    CompiledPolicy compiled = compilation.policy();
    if (compiled == null) {
      return new Result(this, compilation.findings(), List.of(), List.of());
    }
    List<CaseResult> results = new ArrayList<>();
    for (Case c : cases) {
      results.add(check(c, compiled.evaluate(c.request())));
    }
    List<String> ruleIds = compiled.document().rules().stream().map(r -> r.id()).toList();
    return new Result(this, compilation.findings(), ruleIds, results);
  }

  private static CaseResult check(Case c, PolicyDecision decision) {
    List<String> failures = new ArrayList<>();
    if (decision.effect() != c.effect()) {
      failures.add("expected " + c.effect().wire() + " but got " + decision.effect().wire());
    }
    if (c.ttlMs() != null && decision.grantedTtlMs() != c.ttlMs()) {
      failures.add(
          "expected TTL "
              + DurationText.formatMillis(c.ttlMs())
              + " but got "
              + DurationText.formatMillis(decision.grantedTtlMs()));
    }
    if (c.rules() != null && !c.rules().equals(new TreeSet<>(decision.matchedRuleIds()))) {
      failures.add(
          "expected rules "
              + c.rules()
              + " but matched "
              + new TreeSet<>(decision.matchedRuleIds()));
    }
    if (c.reason() != null && decision.reason() != c.reason()) {
      failures.add("expected reason " + c.reason().wire() + " but got " + decision.reason().wire());
    }
    return new CaseResult(c, decision, List.copyOf(failures));
  }

  /** A message at a place in the suite file. */
  private record Located(YamlTree.Position at, String message) {
    static final Comparator<Located> ORDER =
        Comparator.comparingInt((Located l) -> l.at().line())
            .thenComparingInt(l -> l.at().column())
            .thenComparing(Located::message);
  }

  /**
   * Reads the tree: every schema violation at once, then the first problem of meaning, each with
   * the file, line and column.
   */
  private record Reader(Path file, YamlTree tree) {

    PolicySuite suite() throws SuiteException {
      JsonNode root = tree.root();
      List<PolicySchema.Violation> violations = PolicySchema.validateSuite(root);
      if (!violations.isEmpty()) {
        // Every wrongly typed value, in file order: a value is never read leniently (a group
        // written without brackets as no groups, "high" as reputation 0), which would let a case
        // pass for the wrong reason.
        throw new SuiteException(
            violations.stream()
                .map(v -> new Located(tree.positionOf(v.pointer()), v.message()))
                .sorted(Located.ORDER)
                .distinct()
                .map(l -> file + ":" + l.at().line() + ":" + l.at().column() + ": " + l.message())
                .collect(Collectors.joining("\n")));
      }
      only(root, "", Set.of("suite", "policy", "defaults", "cases"));
      String name = text(root, "", "suite");
      Path policy = file.toAbsolutePath().getParent().resolve(text(root, "", "policy")).normalize();
      JsonNode defaults = root.path("defaults");
      if (!defaults.isMissingNode()) {
        only(defaults, "/defaults", Set.of("requester", "target", "purpose", "ttl", "at"));
      }
      JsonNode cases = root.path("cases");
      if (!cases.isArray() || cases.isEmpty()) {
        throw fail("/cases", "cases must be a non-empty list");
      }
      List<Case> out = new ArrayList<>();
      for (int i = 0; i < cases.size(); i++) {
        out.add(testCase(cases.get(i), "/cases/" + i, defaults));
      }
      return new PolicySuite(name, file, policy, List.copyOf(out));
    }

    private Case testCase(JsonNode node, String at, JsonNode defaults) throws SuiteException {
      only(node, at, Set.of("name", "request", "expect"));
      String name = text(node, at, "name");
      JsonNode request = merge(defaults, node.path("request"));
      String r = at + "/request";
      only(request, r, Set.of("requester", "target", "purpose", "ttl", "at"));
      JsonNode requester = request.path("requester");
      only(requester, r + "/requester", Set.of("peer_id", "kind", "groups", "reputation"));
      JsonNode target = request.path("target");
      only(target, r + "/target", Set.of("member", "groups", "service"));
      PolicyRequest parsed;
      try {
        String kindText = text(requester, r + "/requester", "kind");
        RequesterKind kind =
            RequesterKind.fromWire(kindText)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "kind must be member or external, not \"" + kindText + "\""));
        parsed =
            new PolicyRequest(
                new PolicyRequest.Requester(
                    requester.path("peer_id").asText(DEFAULT_PEER),
                    kind,
                    strings(requester.path("groups")),
                    requester.path("reputation").asInt(0)),
                new PolicyRequest.Target(
                    target.hasNonNull("member") ? target.path("member").asText() : null,
                    strings(target.path("groups")),
                    target.hasNonNull("service") ? target.path("service").asText() : null),
                text(request, r, "purpose"),
                DurationText.parse(text(request, r, "ttl")).toMillis(),
                OffsetDateTime.parse(text(request, r, "at")).toInstant().toEpochMilli());
      } catch (IllegalArgumentException | DateTimeException e) {
        throw fail(r, e.getMessage());
      }
      JsonNode expect = node.path("expect");
      String x = at + "/expect";
      only(expect, x, Set.of("effect", "ttl", "rules", "reason"));
      try {
        String effectText = text(expect, x, "effect");
        Effect effect =
            Effect.fromWire(effectText)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "effect must be allow or deny, not \"" + effectText + "\""));
        Long ttl =
            expect.hasNonNull("ttl")
                ? DurationText.parse(expect.path("ttl").asText()).toMillis()
                : null;
        Set<String> rules =
            expect.has("rules") ? new TreeSet<>(strings(expect.path("rules"))) : null;
        PolicyDecision.Reason reason =
            expect.hasNonNull("reason")
                ? PolicyDecision.Reason.fromWire(expect.path("reason").asText())
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "reason must be allowed, denied_by_rule, no_matching_rule, evaluation_failed or no_policy, not \""
                                    + expect.path("reason").asText()
                                    + "\""))
                : null;
        if (effect == Effect.DENY && ttl != null && ttl != 0) {
          throw fail(x + "/ttl", "a deny always has TTL 0");
        }
        return new Case(name, tree.positionOf(at).line(), parsed, effect, ttl, rules, reason);
      } catch (IllegalArgumentException e) {
        throw fail(x, e.getMessage());
      }
    }

    /** {@code defaults} overlaid by {@code request}; requester and target merge key by key. */
    private static JsonNode merge(JsonNode defaults, JsonNode request) {
      ObjectNode merged =
          defaults.isObject()
              ? ((ObjectNode) defaults).deepCopy()
              : JsonNodeFactory.instance.objectNode();
      if (!request.isObject()) {
        return merged;
      }
      for (Map.Entry<String, JsonNode> field : request.properties()) {
        JsonNode base = merged.path(field.getKey());
        if (base.isObject() && field.getValue().isObject()) {
          ObjectNode combined = ((ObjectNode) base).deepCopy();
          combined.setAll((ObjectNode) field.getValue());
          merged.set(field.getKey(), combined);
        } else {
          merged.set(field.getKey(), field.getValue());
        }
      }
      return merged;
    }

    private void only(JsonNode node, String at, Set<String> allowed) throws SuiteException {
      if (node.isMissingNode()) {
        return;
      }
      if (!node.isObject()) {
        throw fail(at, "expected a mapping");
      }
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!allowed.contains(name)) {
          throw fail(
              at + "/" + name,
              "unknown key \"" + name + "\"; expected one of " + new TreeSet<>(allowed));
        }
      }
    }

    private String text(JsonNode node, String at, String field) throws SuiteException {
      JsonNode value = node.path(field);
      if (!value.isTextual() || value.asText().isEmpty()) {
        throw fail(at.isEmpty() ? "/" + field : at, field + " must be a non-empty string");
      }
      return value.asText();
    }

    private static Set<String> strings(JsonNode values) {
      Set<String> out = new LinkedHashSet<>();
      values.forEach(v -> out.add(v.asText()));
      return out;
    }

    private SuiteException fail(String pointer, @Nullable String message) {
      YamlTree.Position p = tree.positionOf(pointer);
      return new SuiteException(file + ":" + p.line() + ":" + p.column() + ": " + message);
    }
  }
}
