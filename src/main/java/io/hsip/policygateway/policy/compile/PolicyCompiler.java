package io.hsip.policygateway.policy.compile;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.hsip.Sha256;
import io.hsip.policygateway.policy.compile.internal.CelConditions;
import io.hsip.policygateway.policy.compile.internal.CompiledRule;
import io.hsip.policygateway.policy.model.DurationText;
import io.hsip.policygateway.policy.model.Effect;
import io.hsip.policygateway.policy.model.PolicyDocument;
import io.hsip.policygateway.policy.model.RequesterKind;
import io.hsip.policygateway.policy.model.Rule;
import io.hsip.policygateway.policy.model.Weekday;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Turns policy documents into {@link CompiledPolicy compiled policies}: reads the YAML within the
 * {@link PolicyLimits limits}, checks it against the published JSON Schema, resolves references
 * (groups, services, rule ids), type-checks CEL conditions, and lints (unreachable, shadowed and
 * redundant rules). Every finding carries the line, column, JSON pointer and rule id. Thread-safe.
 *
 * <p>An uploaded document may spend at most {@link PolicyLimits#maxCompileTime()} of CPU time; past
 * that the compilation stops with a single {@value #BUDGET_CODE} error ({@link
 * Compilation#overBudget()}). The other limits bound what reading and schema checking can cost; the
 * budget bounds the rest (rules, CEL, lints), which grows with how the rules relate.
 */
public final class PolicyCompiler {

  /** The code of the one error of a compilation that ran out of CPU time. */
  public static final String BUDGET_CODE = "budget";

  private final PolicyLimits limits;
  private final CelConditions cel;
  private final LongAdder compilations = new LongAdder();

  /**
   * Compiled once by every new compiler, outside any budget, so that loading classes and parsing
   * the schema (seconds on a cold, busy JVM) are not charged to the first upload's CPU budget.
   */
  private static final String WARM_UP =
      """
      schema: hsip.io/policy/v1
      policy_set: warm-up
      timezone: UTC
      groups: [g]
      services: [s]
      rules:
        - id: a
          effect: allow
          requester: {groups_any: [g]}
          target: {services: [s]}
          purpose: {exact: [p]}
          condition: purpose == "p" && requester.groups.exists(x, x == "g")
        - {id: b, effect: deny, purpose: {prefixes: [q]}}
      """;

  /** A compiler with these limits. */
  public PolicyCompiler(PolicyLimits limits) {
    this.limits = limits;
    this.cel = new CelConditions(limits.cel());
    compile(WARM_UP, true, CompileBudget.unlimited(), null);
    compilations.reset();
  }

  /** The limits in force. */
  public PolicyLimits limits() {
    return limits;
  }

  /**
   * How many documents this compiler has read and compiled, whatever the outcome (those refused for
   * their size before reading do not count): what a cache in front of it saves shows here.
   */
  public long compilations() {
    return compilations.sum();
  }

  /** Compiles a UTF-8 document; too large or not UTF-8 is an error finding, not an exception. */
  public Compilation compile(byte[] utf8) {
    // Checked before decoding, so a huge upload costs no more than its length.
    if (utf8.length > limits.maxBytes()) {
      return tooLarge(utf8.length);
    }
    String source;
    try {
      source =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(utf8))
              .toString();
    } catch (CharacterCodingException e) {
      return failed(
          new Finding(
              Finding.Severity.ERROR, "yaml", "the document is not valid UTF-8", "", 0, 0, null));
    }
    return compile(source);
  }

  /**
   * Compiles a document, with lints, within {@link PolicyLimits#maxCompileTime()} per started MiB
   * of it ({@link PolicyLimits#compileTimeFor}).
   */
  public Compilation compile(String source) {
    long bytes = utf8Length(source);
    return compile(source, true, CompileBudget.of(limits.compileTimeFor(bytes)), null);
  }

  /**
   * Compiles a stored, already-published document for enforcement: every check that can reject it
   * still runs, but the lints (quadratic in the rule count, and advice for authors) are skipped. No
   * CPU budget applies: the version compiled within one when it was published, and a replica that
   * refused it for being busy would deny every request.
   */
  public Compilation compileForEnforcement(String source) {
    return compile(source, false, CompileBudget.unlimited(), null);
  }

  /**
   * Compiles a published version's stored canonical JSON for enforcement, as {@link
   * #compileForEnforcement(String)} does, but faster when the text is exactly what was published:
   * when its SHA-256 is {@code digest}, it passed the schema when it was published and is already
   * canonical, so neither the schema check nor the canonical form is redone (about a third of a
   * reload). Any other text takes the full path, and its digest then differs from {@code digest}.
   */
  public Compilation compileForEnforcement(String canonicalJson, String digest) {
    if (isJson(canonicalJson)
        && Sha256.hex(canonicalJson.getBytes(StandardCharsets.UTF_8)).equals(digest)) {
      return compile(canonicalJson, false, CompileBudget.unlimited(), digest);
    }
    return compileForEnforcement(canonicalJson);
  }

  private Compilation compile(
      String source, boolean lint, CompileBudget budget, @Nullable String publishedDigest) {
    try {
      return compileWithin(source, lint, budget, publishedDigest);
    } catch (CompileBudget.Exceeded e) {
      return failed(
          new Finding(
              Finding.Severity.ERROR,
              BUDGET_CODE,
              "the document is too costly to compile: it used more than "
                  + budget.limitMillis()
                  + " ms of CPU time, the limit for its size; split it, or give its rules fewer"
                  + " overlaps and conditions",
              "",
              0,
              0,
              null));
    }
  }

  private Compilation compileWithin(
      String source, boolean lint, CompileBudget budget, @Nullable String publishedDigest) {
    long bytes = utf8Length(source);
    if (bytes > limits.maxBytes()) {
      return tooLarge(bytes);
    }
    compilations.increment();
    YamlTree tree;
    try {
      // Published versions are stored in canonical JSON, which the JSON reader takes in a fraction
      // of the YAML reader's time: what keeps reloading a 20,000-rule policy sub-second.
      tree =
          !lint && isJson(source) ? readJsonOrYaml(source) : YamlTree.read(source, limits.yaml());
    } catch (YamlTree.YamlTreeException e) {
      String code =
          e.getMessage() != null
                  && (e.getMessage().startsWith("invalid YAML")
                      || e.getMessage().startsWith("the document is not"))
              ? "yaml"
              : "limit";
      return failed(
          new Finding(
              Finding.Severity.ERROR, code, e.getMessage(), "", e.line(), e.column(), null));
    }
    budget.check();
    return new Run(tree, source, lint, budget, publishedDigest).compile();
  }

  /**
   * The outcome for a document of {@code bytes} over the size limit, without reading it: one {@code
   * limit} error.
   */
  public Compilation tooLarge(long bytes) {
    return failed(
        new Finding(
            Finding.Severity.ERROR,
            "limit",
            "the document is " + bytes + " bytes; the limit is " + limits.maxBytes(),
            "",
            0,
            0,
            null));
  }

  /** Strict JSON with the JSON reader; anything else that starts with "{" (YAML flow) as YAML. */
  private YamlTree readJsonOrYaml(String source) throws YamlTree.YamlTreeException {
    try {
      return YamlTree.readJson(source, limits.yaml());
    } catch (YamlTree.YamlTreeException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("invalid JSON")) {
        return YamlTree.read(source, limits.yaml());
      }
      throw e;
    }
  }

  /** The UTF-8 length of {@code text}, without encoding it (a 20,000-rule document is 3 MB). */
  static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes++; // a lone surrogate: the encoder writes its one-byte replacement, '?'
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static boolean isJson(String source) {
    for (int i = 0; i < source.length(); i++) {
      char c = source.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{';
      }
    }
    return false;
  }

  private static Compilation failed(Finding finding) {
    return new Compilation(null, List.of(finding));
  }

  /** One compilation: collects findings while reading the tree into the model. */
  private final class Run {
    private final YamlTree tree;
    private final String source;
    private String @Nullable [] lines;
    private final boolean lint;
    private final CompileBudget budget;
    private final @Nullable String publishedDigest;
    private final List<Finding> findings = new ArrayList<>();

    Run(
        YamlTree tree,
        String source,
        boolean lint,
        CompileBudget budget,
        @Nullable String publishedDigest) {
      this.tree = tree;
      this.source = source;
      this.lint = lint;
      this.budget = budget;
      this.publishedDigest = publishedDigest;
    }

    /** The source's lines, split only when a finding needs them. */
    private String[] lines() {
      if (lines == null) {
        lines = source.split("\r?\n", -1);
      }
      return lines;
    }

    Compilation compile() {
      JsonNode root = tree.root();
      if (publishedDigest == null) {
        for (PolicySchema.Violation v : PolicySchema.validate(root)) {
          error("schema", v.message(), v.pointer());
        }
      }
      budget.check();
      if (!findings.isEmpty()) {
        return done(null);
      }
      if (root.path("rules").size() > limits.maxRules()) {
        error(
            "limit",
            "the policy has "
                + root.path("rules").size()
                + " rules; the limit is "
                + limits.maxRules(),
            "/rules");
        return done(null);
      }
      PolicyDocument document = read(root);
      List<CompiledRule> compiled = new ArrayList<>();
      for (int i = 0; i < document.rules().size(); i++) {
        Rule rule = document.rules().get(i);
        CelConditions.Condition condition = null;
        budget.step();
        if (rule.condition() != null) {
          budget.check(); // a CEL compilation costs far more than a step
          condition = condition(rule.condition(), "/rules/" + i + "/condition");
        }
        compiled.add(new CompiledRule(rule, i, condition));
      }
      if (lint) {
        lint(document);
      }
      if (findings.stream().anyMatch(Finding::isError)) {
        return done(null);
      }
      budget.check();
      String canonical = publishedDigest == null ? PolicyCanonicalForm.of(root) : source;
      String digest =
          publishedDigest == null
              ? Sha256.hex(canonical.getBytes(StandardCharsets.UTF_8))
              : publishedDigest;
      return done(new CompiledPolicy(document, canonical, digest, compiled, 0));
    }

    private Compilation done(@Nullable CompiledPolicy policy) {
      findings.sort(Finding.ORDER);
      return new Compilation(policy, findings);
    }

    // --- Reading the model (the schema has vouched for shapes and types)
    // ---------------------------

    private PolicyDocument read(JsonNode root) {
      ZoneId zone = ZoneId.of("UTC");
      try {
        zone = ZoneId.of(root.path("timezone").asText());
      } catch (DateTimeException e) {
        error(
            "unknown-timezone",
            "\""
                + root.path("timezone").asText()
                + "\" is not a known time zone (use an IANA name such as Europe/Berlin)",
            "/timezone");
      }
      Set<String> groups = strings(root.path("groups"));
      Set<String> services = strings(root.path("services"));
      Duration maxTtl = duration(root.path("max_ttl"), "/max_ttl");
      if (maxTtl != null && !maxTtl.isPositive()) {
        // Every allow would be granted for 0 ms: an allow that grants nothing is a deny in
        // disguise.
        error(
            "zero-ttl",
            "a max_ttl of 0 would allow with a TTL of 0; omit max_ttl for no global cap, or write deny rules",
            "/max_ttl");
      }
      List<Rule> rules = new ArrayList<>();
      Map<String, Integer> ids = new HashMap<>();
      JsonNode ruleNodes = root.path("rules");
      for (int i = 0; i < ruleNodes.size(); i++) {
        budget.step();
        String at = "/rules/" + i;
        Rule rule = rule(ruleNodes.get(i), at, groups, services);
        Integer first = ids.putIfAbsent(rule.id(), i);
        if (first != null) {
          error(
              "duplicate-rule-id",
              "rule id \"" + rule.id() + "\" is already used by rule #" + (first + 1),
              at + "/id");
        }
        rules.add(rule);
      }
      if (rules.isEmpty()) {
        warning("no-rules", "the policy has no rules, so it denies every request", "/rules", null);
      }
      return new PolicyDocument(
          root.path("policy_set").asText(),
          root.path("description").asText(""),
          zone,
          groups,
          services,
          maxTtl,
          List.copyOf(rules));
    }

    private Rule rule(JsonNode node, String at, Set<String> groups, Set<String> services) {
      String id = node.path("id").asText();
      Effect effect =
          Effect.valueOf(node.path("effect").asText().toUpperCase(java.util.Locale.ROOT));
      JsonNode r = node.path("requester");
      Rule.RequesterMatch requester =
          new Rule.RequesterMatch(
              strings(r.path("peer_ids")),
              r.hasNonNull("kind")
                  ? RequesterKind.fromWire(r.path("kind").asText()).orElseThrow()
                  : null,
              known(
                  r.path("groups_any"),
                  at + "/requester/groups_any",
                  groups,
                  "group",
                  "groups",
                  id),
              known(
                  r.path("groups_all"),
                  at + "/requester/groups_all",
                  groups,
                  "group",
                  "groups",
                  id),
              r.hasNonNull("min_reputation") ? r.path("min_reputation").intValue() : null,
              r.hasNonNull("max_reputation") ? r.path("max_reputation").intValue() : null);
      JsonNode t = node.path("target");
      Rule.TargetMatch target =
          new Rule.TargetMatch(
              strings(t.path("members")),
              known(t.path("groups_any"), at + "/target/groups_any", groups, "group", "groups", id),
              known(
                  t.path("services"),
                  at + "/target/services",
                  services,
                  "service",
                  "services",
                  id));
      JsonNode p = node.path("purpose");
      Rule.PurposeMatch purpose =
          new Rule.PurposeMatch(strings(p.path("exact")), List.copyOf(strings(p.path("prefixes"))));
      JsonNode ttl = node.path("requested_ttl");
      Rule.TtlMatch requestedTtl =
          new Rule.TtlMatch(
              duration(ttl.path("at_least"), at + "/requested_ttl/at_least"),
              duration(ttl.path("at_most"), at + "/requested_ttl/at_most"));
      Rule.TimeWindow time = null;
      if (node.has("time")) {
        JsonNode w = node.path("time");
        Set<Weekday> days = new LinkedHashSet<>();
        w.path("days").forEach(d -> days.add(Weekday.fromWire(d.asText()).orElseThrow()));
        LocalTime from = w.hasNonNull("from") ? LocalTime.parse(w.path("from").asText()) : null;
        LocalTime until = w.hasNonNull("until") ? LocalTime.parse(w.path("until").asText()) : null;
        if (from != null && from.equals(until)) {
          error(
              "empty-window",
              "time window from "
                  + from
                  + " until "
                  + until
                  + " is empty; omit both for the whole day",
              at + "/time",
              id);
        }
        if (!days.isEmpty() && from != null && until != null && until.isBefore(from)) {
          // Easy to misread, and before this rule's meaning was settled it was read the other way.
          Weekday day = days.iterator().next();
          warning(
              "wrapping-window",
              "time window "
                  + from
                  + "-"
                  + until
                  + " wraps midnight: the hours after midnight"
                  + " belong to the listed day before them ("
                  + day.wire()
                  + " "
                  + from
                  + " runs until "
                  + day.next().wire()
                  + " "
                  + until
                  + ")",
              at + "/time",
              id);
        }
        time = new Rule.TimeWindow(Set.copyOf(days), from, until);
      }
      String condition = node.hasNonNull("condition") ? node.path("condition").asText() : null;
      Duration ttlCap = duration(node.path("ttl_cap"), at + "/ttl_cap");
      Rule.RateLimit rateLimit = null;
      if (node.has("rate_limit")) {
        JsonNode l = node.path("rate_limit");
        Duration per = duration(l.path("per"), at + "/rate_limit/per");
        rateLimit =
            new Rule.RateLimit(
                l.path("requests").intValue(),
                per == null ? Duration.ofSeconds(1) : per,
                l.path("key").asText("requester"));
      }
      if (effect == Effect.DENY) {
        if (ttlCap != null) {
          error(
              "allow-only",
              "ttl_cap applies to allow rules only; a deny always has TTL 0",
              at + "/ttl_cap",
              id);
        }
        if (rateLimit != null) {
          error("allow-only", "rate_limit applies to allow rules only", at + "/rate_limit", id);
        }
      }
      if (ttlCap != null && ttlCap.isZero()) {
        error(
            "zero-ttl",
            "a TTL cap of 0 grants nothing; write a deny rule instead",
            at + "/ttl_cap",
            id);
      }
      return new Rule(
          id,
          node.path("description").asText(""),
          effect,
          requester,
          target,
          purpose,
          requestedTtl,
          time,
          condition,
          ttlCap,
          rateLimit);
    }

    private Set<String> known(
        JsonNode values, String at, Set<String> declared, String what, String list, String ruleId) {
      for (int i = 0; i < values.size(); i++) {
        String value = values.get(i).asText();
        if (!declared.contains(value)) {
          error(
              "unknown-" + what,
              what + " \"" + value + "\" is not declared in " + list,
              at + "/" + i,
              ruleId);
        }
      }
      return strings(values);
    }

    private static Set<String> strings(JsonNode values) {
      Set<String> out = new LinkedHashSet<>();
      values.forEach(v -> out.add(v.asText()));
      return java.util.Collections.unmodifiableSet(out);
    }

    private @Nullable Duration duration(JsonNode value, String at) {
      if (value.isMissingNode() || value.isNull()) {
        return null;
      }
      try {
        return DurationText.parse(value.asText());
      } catch (IllegalArgumentException e) {
        error("schema", e.getMessage(), at);
        return null;
      }
    }

    // --- CEL
    // ---------------------------------------------------------------------------------------

    private CelConditions.@Nullable Condition condition(String expression, String at) {
      CelConditions.Compiled compiled = cel.compile(expression);
      YamlTree.Position start = tree.positionOf(at);
      for (CelConditions.Issue issue : compiled.issues()) {
        int[] place = place(start, issue);
        findings.add(
            new Finding(
                Finding.Severity.ERROR,
                "cel",
                "CEL: " + issue.message(),
                at,
                place[0],
                place[1],
                ruleAt(at)));
      }
      return compiled.condition();
    }

    /** Maps a position inside an expression to the document, per the scalar's style. */
    private int[] place(YamlTree.Position start, CelConditions.Issue issue) {
      return switch (start.style()) {
        case "|", ">" -> {
          // Block scalars: content starts on the next line, at the block's indentation.
          int line = start.line() + issue.line();
          int indent = 0;
          String[] lines = lines();
          for (int l = start.line(); l < lines.length; l++) {
            String text = lines[l];
            if (!text.isBlank()) {
              indent = text.length() - text.stripLeading().length();
              break;
            }
          }
          yield new int[] {line, indent + issue.column()};
        }
        case "'", "\"" ->
            new int[] {
              start.line() + issue.line() - 1,
              issue.line() == 1 ? start.column() + issue.column() : issue.column()
            };
        default ->
            new int[] {
              start.line() + issue.line() - 1,
              issue.line() == 1 ? start.column() + issue.column() - 1 : issue.column()
            };
      };
    }

    // --- Lints
    // -------------------------------------------------------------------------------------

    private void lint(PolicyDocument document) {
      List<Rule> rules = document.rules();
      CoverCandidates coverCandidates = new CoverCandidates(rules);
      for (int i = 0; i < rules.size(); i++) {
        budget.step();
        Rule rule = rules.get(i);
        String at = "/rules/" + i;
        @Nullable String contradiction = RuleCoverage.contradiction(rule);
        if (contradiction != null) {
          warning("unreachable-rule", "rule can never match: " + contradiction, at, rule.id());
          continue;
        }
        if (rule.effect() != Effect.ALLOW) {
          continue;
        }
        TreeSet<Integer> candidates = coverCandidates.of(rule);
        @Nullable Rule shadowing = null;
        @Nullable Rule redundantWith = null;
        for (int j : candidates) {
          budget.step();
          Rule other = rules.get(j);
          if (i == j || !RuleCoverage.covers(other, rule)) {
            continue;
          }
          if (other.effect() == Effect.DENY) {
            shadowing = other;
            break;
          }
          if (redundantWith == null
              && j < i
              && rule.rateLimit() == null
              && capOf(other) <= capOf(rule)) {
            redundantWith = other;
          }
        }
        // A shadowing deny is the stronger finding: report it rather than a redundancy.
        if (shadowing != null) {
          warning(
              "shadowed-rule",
              "rule never allows anything: deny rule \""
                  + shadowing.id()
                  + "\" matches every request it matches",
              at,
              rule.id());
        } else if (redundantWith != null) {
          warning(
              "redundant-rule",
              "rule never changes a decision: allow rule \""
                  + redundantWith.id()
                  + "\" matches every request it matches with the same or a shorter TTL cap",
              at,
              rule.id());
        }
      }
    }

    private static long capOf(Rule rule) {
      return rule.ttlCap() == null ? Long.MAX_VALUE : rule.ttlCap().toMillis();
    }

    // --- Findings
    // ----------------------------------------------------------------------------------

    private void error(String code, String message, String pointer) {
      error(code, message, pointer, ruleAt(pointer));
    }

    private void error(String code, String message, String pointer, @Nullable String ruleId) {
      add(Finding.Severity.ERROR, code, message, pointer, ruleId);
    }

    private void warning(String code, String message, String pointer, @Nullable String ruleId) {
      add(Finding.Severity.WARNING, code, message, pointer, ruleId);
    }

    private void add(
        Finding.Severity severity,
        String code,
        String message,
        String pointer,
        @Nullable String ruleId) {
      YamlTree.Position at = tree.positionOf(pointer);
      findings.add(new Finding(severity, code, message, pointer, at.line(), at.column(), ruleId));
    }

    /** The id of the rule a pointer lies in, if it names one. */
    private @Nullable String ruleAt(String pointer) {
      if (!pointer.startsWith("/rules/")) {
        return null;
      }
      int end = pointer.indexOf('/', 7);
      String index = end < 0 ? pointer.substring(7) : pointer.substring(7, end);
      JsonNode id = tree.root().path("rules").path(parseIndex(index)).path("id");
      return id.isTextual() ? id.asText() : null;
    }

    private static int parseIndex(String text) {
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }
}
