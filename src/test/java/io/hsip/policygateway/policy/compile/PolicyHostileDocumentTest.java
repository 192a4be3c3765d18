package io.hsip.policygateway.policy.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.hsip.policygateway.Heavy;
import io.hsip.policygateway.policy.PolicyDocs;
import io.hsip.policygateway.policy.generate.OrganisationGenerator;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.RequesterKind;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile documents are refused with a clear error, quickly and without exhausting memory: every
 * test has a hard timeout, and the limits (PolicyLimits.DEFAULTS) bound what any document can cost.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PolicyHostileDocumentTest {

  private final PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);

  private Finding onlyError(String document) {
    Compilation c = compiler.compile(document);
    assertThat(c.ok()).isFalse();
    assertThat(c.errors()).hasSize(1);
    return c.errors().getFirst();
  }

  @Test
  void aHugeDocumentIsRefusedBeforeItIsParsed() {
    byte[] huge = ("# " + "x".repeat(8 * 1024 * 1024) + "\n").getBytes(StandardCharsets.UTF_8);
    Compilation c = compiler.compile(huge);
    assertThat(c.errors())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.code()).isEqualTo("limit");
              assertThat(f.message())
                  .isEqualTo("the document is " + huge.length + " bytes; the limit is 8388608");
            });
  }

  @Test
  void aHugeIntegerIsRefusedBeforeItIsParsedAsANumber() {
    String doc = "policy_set: acme\nversion: " + "9".repeat(500_000) + "\n";
    Finding f = onlyError(doc);
    assertThat(f.message())
        .isEqualTo("a number of 500000 characters is too long; numbers have at most 40");
    assertThat(f.line()).isEqualTo(2);
    assertThat(f.column()).isEqualTo(10);
  }

  @Test
  void aHugeFloatIsRefusedToo() {
    String doc = "policy_set: acme\nversion: 0." + "1".repeat(500_000) + "\n";
    assertThat(onlyError(doc).message())
        .isEqualTo("a number of 500002 characters is too long; numbers have at most 40");
  }

  @Test
  void deepFlowNestingIsRefusedAtTheLimit() {
    String deep = "a: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n";
    Finding f = onlyError(deep);
    assertThat(f.message()).isEqualTo("the document nests deeper than 32 levels");
    assertThat(f.line()).isEqualTo(1);
    assertThat(f.column()).isEqualTo(35);
  }

  @Test
  void deepBlockNestingIsRefusedAtTheLimit() {
    StringBuilder doc = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      doc.append("  ".repeat(i)).append("k").append(i).append(":\n");
    }
    assertThat(onlyError(doc.toString()).message())
        .isEqualTo("the document nests deeper than 32 levels");
  }

  @Test
  void billionLaughsIsRefusedByCountingWhatAliasesRepeat() {
    StringBuilder doc =
        new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
      doc.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        doc.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      doc.append("]\n");
    }
    long start = System.nanoTime();
    Finding f = onlyError(doc.toString());
    assertThat(f.message())
        .isEqualTo("the document has more than 1000000 values (aliases count in full)");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
  }

  @Test
  void tooManyAliasesAreRefused() {
    StringBuilder doc = new StringBuilder("x: &x 1\nlist:\n");
    for (int i = 0; i < 150; i++) {
      doc.append("  - *x\n");
    }
    assertThat(onlyError(doc.toString()).message())
        .isEqualTo("the document uses more than 100 aliases");
  }

  @Test
  void longKeysOverManyValuesCostNoMoreThanTheDocument() {
    // A 200,000-character key over 60,000 values: pointer strings built per value would need 12 GB.
    // (Explicit "? key" syntax, since implicit keys are limited to 1,024 characters.)
    String doc =
        "? "
            + "k".repeat(200_000)
            + "\n: ? "
            + "x".repeat(100_000)
            + "\n  : ["
            + "0,".repeat(59_999)
            + "0]\n";
    Compilation c = compiler.compile(doc);
    assertThat(c.errors())
        .filteredOn(f -> f.message().startsWith("unknown field "))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.code()).isEqualTo("schema");
              assertThat(f.line()).isEqualTo(2); // where the key's value starts
              assertThat(f.column()).isEqualTo(3);
              // The message names the key by its start, not all 200,000 characters of it.
              assertThat(f.message())
                  .startsWith("unknown field kkkk")
                  .contains("…(200000 characters)")
                  .hasSizeLessThan(300);
            });
  }

  @Test
  void longKeysNestedToTheDepthLimitCostNoMoreThanTheDocument() {
    // 31 levels of 15,000-character keys, each holding a few hundred values.
    StringBuilder doc = new StringBuilder();
    for (int depth = 0; depth < 31; depth++) {
      String indent = "  ".repeat(depth);
      doc.append(indent).append("list").append(": [").append("1,".repeat(199)).append("1]\n");
      doc.append(indent)
          .append("? ")
          .append(Character.toString('a' + depth % 26).repeat(15_000))
          .append('\n');
      doc.append(indent).append(":\n");
    }
    doc.append("  ".repeat(31)).append("end: 1\n");
    Compilation c = compiler.compile(doc.toString());
    assertThat(c.ok()).isFalse();
    assertThat(c.errors()).allSatisfy(f -> assertThat(f.code()).isEqualTo("schema"));
  }

  @Test
  void complexAndNullKeysAreRefusedWithAClearMessage() {
    assertThat(onlyError("? [a, b]\n: x\n"))
        .satisfies(
            f -> {
              assertThat(f.code()).isEqualTo("yaml");
              assertThat(f.message())
                  .isEqualTo("invalid YAML: mapping keys must be strings, not sequences");
              assertThat(f.line()).isEqualTo(1);
              assertThat(f.column()).isEqualTo(3);
            });
    assertThat(onlyError("rules:\n  ? {a: 1}\n  : y\n").message())
        .isEqualTo("invalid YAML: mapping keys must be strings, not mappings");
    assertThat(onlyError("? - a\n  - b\n: x\n").message())
        .isEqualTo("invalid YAML: mapping keys must be strings, not sequences");
    assertThat(onlyError("~: x\n").message())
        .isEqualTo("invalid YAML: mapping keys must be strings, not null");
    assertThat(onlyError("null: x\n").message())
        .isEqualTo("invalid YAML: mapping keys must be strings, not null");
    assertThat(onlyError("? \n: x\n").message())
        .isEqualTo("invalid YAML: mapping keys must be strings, not null");
    assertThat(onlyError("a: 1\n? !!null ''\n: x\n").message())
        .isEqualTo("invalid YAML: mapping keys must be strings, not null");
    // A quoted "null" is a string, and only the schema has something to say about it.
    assertThat(compiler.compile("schema: hsip.io/policy/v1\n'null': x\n").errors())
        .filteredOn(f -> f.pointer().equals("/null"))
        .singleElement()
        .satisfies(f -> assertThat(f.code()).isEqualTo("schema"));
  }

  @Test
  void recursiveAliasesAreRefused() {
    assertThat(onlyError("a: &a [*a]\n").message())
        .isEqualTo("alias *a refers to no complete anchored value");
  }

  /**
   * Stored canonical JSON is read by the JSON reader on the enforcement path, within the same
   * limits: a tampered row cannot nest deeper, hold more values or repeat keys; YAML flow text that
   * merely starts with a brace still reads as YAML.
   */
  @Test
  void theJsonReaderOfStoredVersionsKeepsTheLimits() {
    CompiledPolicy example = compiler.compile(PolicyDocs.example()).orThrow();
    String canonical = example.canonicalJson();
    CompiledPolicy reloaded = compiler.compileForEnforcement(canonical, example.digest()).orThrow();
    assertThat(reloaded.digest()).isEqualTo(example.digest());
    assertThat(reloaded.document()).isEqualTo(example.document());

    String deep = "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}";
    assertThat(compiler.compileForEnforcement(deep).errors())
        .singleElement()
        .satisfies(
            f -> assertThat(f.message()).isEqualTo("the document nests deeper than 32 levels"));
    String duplicate = "{\"schema\":\"hsip.io/policy/v1\",\"schema\":\"x\"}";
    assertThat(compiler.compileForEnforcement(duplicate).errors())
        .singleElement()
        .satisfies(f -> assertThat(f.message()).isEqualTo("duplicate key \"schema\""));
    String wide = "{\"a\":[" + "1,".repeat(2_000_000).substring(0, 3_999_999) + "]}";
    assertThat(compiler.compileForEnforcement(wide).errors())
        .singleElement()
        .satisfies(
            f -> assertThat(f.message()).isEqualTo("the document has more than 1000000 values"));
    // A text that is not the published one does not take the trusted path: its digest differs.
    String altered = canonical.replace("\"max_ttl\":\"24h\"", "\"max_ttl\":\"48h\"");
    assertThat(altered).isNotEqualTo(canonical);
    assertThat(compiler.compileForEnforcement(altered, example.digest()).orThrow().digest())
        .isNotEqualTo(example.digest());
    // YAML flow mapping, not JSON: read as YAML.
    String flow =
        "{schema: hsip.io/policy/v1, policy_set: flow, timezone: UTC, groups: [], rules: []}";
    assertThat(compiler.compileForEnforcement(flow).errors()).isEmpty();
  }

  @Test
  void tooManyRulesAreALimitFinding() {
    // 20,000 rules are allowed by default; the schema itself sets no count.
    StringBuilder rules = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      rules.append("- {id: r").append(i).append(", effect: deny}\n");
    }
    Compilation c = compiler.compile(PolicyDocs.small("s", "8h", rules.toString()));
    assertThat(c.errors())
        .extracting(Finding::code, Finding::message)
        .containsExactly(tuple("limit", "the policy has 20001 rules; the limit is 20000"));
  }

  @Heavy
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aTwentyThousandRulePolicyCompilesAndLintsWithinTheDefaultLimits() {
    String document = new OrganisationGenerator(20_000, 7).document();
    long start = System.nanoTime();
    Compilation c = compiler.compile(document);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(c.errors()).isEmpty();
    assertThat(c.orThrow().document().rules()).hasSize(20_000);
    // Within the CPU budget of its size (2 s per started MiB, 8 s here), or it would be an error.
    assertThat(ms).as("compiling and linting 20,000 rules (ms)").isLessThan(30_000);
  }

  private Finding celError(String condition) {
    Compilation c =
        compiler.compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: hostile
          effect: allow
          condition: '%s'
        """
                    .formatted(condition)));
    assertThat(c.errors()).isNotEmpty();
    assertThat(c.errors()).allSatisfy(f -> assertThat(f.code()).isEqualTo("cel"));
    return c.errors().getFirst();
  }

  @Test
  void aLongConditionIsRefused() {
    assertThat(celError("purpose == \"" + "a".repeat(1100) + "\"").message())
        .isEqualTo("CEL: the condition is longer than 1024 characters");
  }

  @Test
  void aDeeplyNestedConditionIsRefused() {
    assertThat(celError("(".repeat(300) + "true" + ")".repeat(300)).message())
        .contains("recursion");
  }

  @Test
  void aConditionWithTooManyNodesIsRefused() {
    StringBuilder list = new StringBuilder("requester.reputation in [0");
    for (int i = 1; i < 300; i++) {
      list.append(",1");
    }
    assertThat(celError(list.append(']').toString()).message()).contains("node");
  }

  @Test
  void nestedComprehensionsAreRefused() {
    assertThat(
            celError(
                    "requester.groups.all(a, requester.groups.all(b, target.groups.exists(c, a + b == c)))")
                .message())
        .isEqualTo("CEL: macros such as exists() and all() nest 3 deep; at most 1 allowed");
  }

  @Test
  void evaluationCostIsBoundedAndFailsClosed() {
    CompiledPolicy policy =
        compiler
            .compile(
                PolicyDocs.small(
                    "s",
                    "8h",
                    """
        - id: costly
          effect: allow
          purpose: {exact: [cost]}
          condition: requester.groups.exists(g, g.size() > 1000)
        """))
            .orThrow();
    Set<String> manyGroups = new java.util.HashSet<>();
    for (int i = 0; i < 5000; i++) {
      manyGroups.add("g" + i);
    }
    long start = System.nanoTime();
    PolicyDecision d =
        policy.evaluate(
            PolicyDocs.request(
                RequesterKind.MEMBER,
                manyGroups,
                50,
                "chat",
                Set.of(),
                "cost",
                60_000,
                "2026-03-04T10:00:00+01:00"));
    assertThat(d.reason()).isEqualTo(PolicyDecision.Reason.EVALUATION_FAILED);
    assertThat(d.failure()).contains("Iteration budget exceeded: 1000");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
  }
}
