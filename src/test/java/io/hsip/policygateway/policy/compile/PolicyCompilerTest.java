package io.hsip.policygateway.policy.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hsip.policygateway.policy.PolicyDocs;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Findings are precise (line, column, JSON pointer, rule) and deterministic; lints, diff and
 * digest.
 */
class PolicyCompilerTest {

  private final PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);

  /**
   * A rule description with control, C1, line-separator and non-character code points, as YAML
   * escapes.
   */
  static final String AWKWARD =
      "\"tab\\tnul\\0del\\x7fnel\\Nc1\\x9bls\\u2028ps\\u2029bom\\ufeffnon\\uffffend\"";

  @Test
  void theCanonicalFormEscapesNonPrintableCharactersAndLoadsBackToTheSamePolicy() {
    CompiledPolicy policy =
        compiler
            .compile(
                PolicyDocs.small(
                    "s",
                    "8h",
                    """
        - id: awkward
          effect: deny
          description: %s
        """
                        .formatted(AWKWARD)))
            .orThrow();
    String description = policy.document().rules().get(1).description();
    assertThat(description)
        .isEqualTo("tab\tnul\0del\u007fnel\u0085c1\u009bls\u2028ps\u2029bom\ufeffnon\uffffend");
    String canonical = policy.canonicalJson();
    // Escaped: what RFC 8785 escapes, plus what the YAML reader refuses raw (C1 controls but NEL,
    // U+FFFF).
    assertThat(canonical)
        .contains(
            "\"tab\\tnul\\u0000del\u007fnel\u0085c1\\u009bls\u2028ps\u2029bom\ufeffnon\\uffffend\"");

    Compilation reloaded = compiler.compileForEnforcement(canonical);
    assertThat(reloaded.errors()).isEmpty();
    assertThat(reloaded.orThrow().digest()).isEqualTo(policy.digest());
    assertThat(reloaded.orThrow().document()).isEqualTo(policy.document());
  }

  @Test
  void theCanonicalFormEscapesLoneSurrogatesButKeepsPairs() {
    com.fasterxml.jackson.databind.node.ObjectNode node =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    node.put("k", "a\ud800b\udc00c\ud83d\ude00d");
    assertThat(PolicyCanonicalForm.of(node))
        .isEqualTo("{\"k\":\"a\\ud800b\\udc00c\ud83d\ude00d\"}");
  }

  @Test
  void aMaxTtlOfZeroOrLessIsRefused() {
    for (String zero : new String[] {"0s", "0ms", "000h", "0d"}) {
      Compilation c =
          compiler.compile(
              PolicyDocs.small("s", "8h", "")
                  .replace("timezone: Europe/Berlin", "timezone: Europe/Berlin\nmax_ttl: " + zero));
      assertThat(c.errors())
          .extracting(
              Finding::code, Finding::pointer, Finding::line, Finding::column, Finding::message)
          .containsExactly(
              tuple(
                  "zero-ttl",
                  "/max_ttl",
                  4,
                  10,
                  "a max_ttl of 0 would allow with a TTL of 0; omit max_ttl for no global cap, or write deny rules"));
    }
    Compilation negative =
        compiler.compile(
            PolicyDocs.small("s", "8h", "")
                .replace("timezone: Europe/Berlin", "timezone: Europe/Berlin\nmax_ttl: -1h"));
    assertThat(negative.errors())
        .extracting(Finding::code, Finding::pointer)
        .containsExactly(tuple("schema", "/max_ttl"));
  }

  @Test
  void schemaErrorsPointAtTheOffendingValueAndKey() {
    Compilation c =
        compiler.compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: bad
          effect: permit
          colour: blue
        """));
    assertThat(c.ok()).isFalse();
    assertThat(c.errors())
        .extracting(
            Finding::code,
            Finding::pointer,
            Finding::line,
            Finding::column,
            Finding::ruleId,
            Finding::message)
        .containsExactly(
            tuple("schema", "/rules/1/effect", 14, 13, "bad", "effect must be allow or deny"),
            tuple(
                "schema",
                "/rules/1/colour",
                15,
                13,
                "bad",
                "unknown field colour in the rule; allowed fields are id, description, effect, requester, target,"
                    + " purpose, requested_ttl, time, condition, ttl_cap, rate_limit"));
  }

  @Test
  void missingRequiredFieldsAndWrongTypesAreSchemaErrors() {
    Compilation c =
        compiler.compile(
            """
        schema: hsip.io/policy/v1
        policy_set: Not_A_Name
        groups: finance
        rules: []
        """);
    assertThat(c.errors())
        .extracting(Finding::pointer, Finding::message)
        .containsExactly(
            tuple("", "the document is missing the required field timezone"),
            tuple(
                "/policy_set",
                "policy_set must be a name of lowercase letters, digits, '.', '_' and '-' that starts"
                    + " with a letter or digit (at most 63 characters)"),
            tuple("/groups", "groups must be a list, not text"));
  }

  @Test
  void unknownGroupsAndServicesAreErrorsAtTheirPosition() {
    Compilation c =
        compiler.compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: typo
          effect: allow
          requester: {groups_any: [finance, finanse]}
          target: {services: [chat, fax]}
        """));
    assertThat(c.errors())
        .extracting(
            Finding::code,
            Finding::message,
            Finding::pointer,
            Finding::line,
            Finding::column,
            Finding::ruleId)
        .containsExactly(
            tuple(
                "unknown-group",
                "group \"finanse\" is not declared in groups",
                "/rules/1/requester/groups_any/1",
                15,
                39,
                "typo"),
            tuple(
                "unknown-service",
                "service \"fax\" is not declared in services",
                "/rules/1/target/services/1",
                16,
                31,
                "typo"));
  }

  @Test
  void celTypeErrorsAreMappedToTheDocumentLineAndColumn() {
    Compilation c =
        compiler.compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: plain
          effect: allow
          condition: requester.reputation > "high"
        - id: block
          effect: allow
          condition: |
            requester.reputation > 10 &&
              purpose.startsWith(1)
        - id: unknown-variable
          effect: allow
          condition: 'requester.salary > 1'
        """));
    assertThat(c.errors())
        .extracting(Finding::code, Finding::line, Finding::column, Finding::ruleId)
        .containsExactly(
            tuple("cel", 15, 37, "plain"),
            tuple("cel", 20, 27, "block"),
            tuple("cel", 23, 17, "unknown-variable"));
    assertThat(c.errors().get(0).message())
        .startsWith("CEL: found no matching overload for '_>_' applied to '(int, string)'");
    assertThat(c.errors().get(1).message())
        .startsWith("CEL: found no matching overload for 'startsWith' applied to 'string.(int)'");
    assertThat(c.errors().get(2).message())
        .isEqualTo("CEL: undeclared reference to 'requester' (in container '')");
    assertThat(c.errors().get(1).format())
        .isEqualTo(
            "20:27: error [cel] "
                + c.errors().get(1).message()
                + " (rule block, at /rules/2/condition)");
  }

  @Test
  void aConditionMustBeBoolean() {
    Compilation c =
        compiler.compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: not-bool
          effect: allow
          condition: purpose
        """));
    assertThat(c.errors())
        .extracting(Finding::message)
        .containsExactly("CEL: expected type 'bool' but found 'string'");
  }

  @Test
  void duplicateIdsBadZonesAndAllowOnlyFieldsOnDenyAreErrors() {
    String doc =
        PolicyDocs.small(
                "s",
                "8h",
                """
        - id: members-chat
          effect: deny
          ttl_cap: 1h
          rate_limit: {requests: 1, per: 1s}
        - id: empty-window
          effect: allow
          time: {from: "10:00", until: "10:00"}
        """)
            .replace("Europe/Berlin", "Europe/Atlantis");
    assertThat(compiler.compile(doc).errors())
        .extracting(Finding::code, Finding::pointer)
        .containsExactly(
            tuple("unknown-timezone", "/timezone"),
            tuple("duplicate-rule-id", "/rules/1/id"),
            tuple("allow-only", "/rules/1/ttl_cap"),
            tuple("allow-only", "/rules/1/rate_limit"),
            tuple("empty-window", "/rules/2/time"));
  }

  @Test
  void lintsFindShadowedRedundantAndUnreachableRulesAsWarnings() {
    Compilation c =
        compiler.compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: no-chat-for-externals
          effect: deny
          requester: {kind: external}
        - id: external-chat
          effect: allow
          requester: {kind: external, min_reputation: 50}
          target: {services: [chat]}
        - id: finance-chat
          effect: allow
          requester: {kind: member, groups_any: [finance]}
          target: {services: [chat]}
          purpose: {exact: [chat]}
          ttl_cap: 8h
        - id: impossible
          effect: allow
          requester: {min_reputation: 80, max_reputation: 20}
        """));
    assertThat(c.ok()).isTrue();
    assertThat(c.warnings())
        .extracting(Finding::code, Finding::ruleId, Finding::message)
        .containsExactly(
            tuple(
                "shadowed-rule",
                "external-chat",
                "rule never allows anything: deny rule \"no-chat-for-externals\" matches every request it matches"),
            tuple(
                "redundant-rule",
                "finance-chat",
                "rule never changes a decision: allow rule \"members-chat\" matches every request it matches with the same or a shorter TTL cap"),
            tuple(
                "unreachable-rule",
                "impossible",
                "rule can never match: min_reputation 80 is above max_reputation 20"));
  }

  @Test
  void aConditionOnTheCoveringRuleDefeatsTheShadowingLint() {
    Compilation c =
        compiler.compile(
            PolicyDocs.small(
                "s",
                "8h",
                """
        - id: deny-sometimes
          effect: deny
          condition: requester.reputation < 10
        """));
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void invalidYamlIsReportedWithItsPosition() {
    Compilation c =
        compiler.compile("schema: hsip.io/policy/v1\nrules: [\n  {id: a, effect: allow\n");
    assertThat(c.errors())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.code()).isEqualTo("yaml");
              assertThat(f.message()).startsWith("invalid YAML: ");
              assertThat(f.line()).isEqualTo(4);
            });
    assertThat(compiler.compile("a: 1\na: 2\n").errors())
        .singleElement()
        .extracting(Finding::message, Finding::line, Finding::column)
        .containsExactly("duplicate key \"a\"", 2, 1);
    assertThat(compiler.compile("a: !!binary aGk=\n").errors())
        .singleElement()
        .extracting(Finding::message)
        .isEqualTo("YAML tag tag:yaml.org,2002:binary is not allowed in policy documents");
    assertThat(compiler.compile("--- {a: 1}\n--- {b: 2}\n").errors())
        .singleElement()
        .extracting(Finding::message)
        .isEqualTo("a policy file holds exactly one YAML document");
    assertThat(compiler.compile(new byte[] {'a', ':', ' ', (byte) 0xc3, (byte) 0x28}).errors())
        .singleElement()
        .extracting(Finding::message)
        .isEqualTo("the document is not valid UTF-8");
  }

  @Test
  void yaml12BooleansDoNotSurpriseAuthors() {
    // YAML 1.1 reads "no" as false; YAML 1.2 (and so the schema) sees the string it is.
    Compilation c =
        compiler.compile(
            PolicyDocs.small("s", "8h", "").replace("groups: [finance,", "groups: [no, finance,"));
    assertThat(c.errors()).isEmpty();
    assertThat(c.orThrow().document().groups()).contains("no");
  }

  @Test
  void theDigestIsTheSha256OfTheCanonicalFormAndIgnoresFormatting() throws Exception {
    CompiledPolicy a = compiler.compile(PolicyDocs.small("s", "8h", "")).orThrow();
    String reordered =
        """
        # comments and key order do not matter
        rules:
          - {ttl_cap: 8h, id: members-chat, effect: allow, requester: {kind: member},
             target: {services: [chat]}, purpose: {exact: [chat]}}
        services: [chat, file-transfer]
        groups: [finance, support, engineering]
        timezone: Europe/Berlin
        policy_set: s
        schema: hsip.io/policy/v1
        """;
    CompiledPolicy b = compiler.compile(reordered).orThrow();
    assertThat(b.digest()).isEqualTo(a.digest());
    assertThat(a.canonicalJson())
        .startsWith("{\"groups\":[\"finance\",\"support\",\"engineering\"],\"policy_set\":\"s\",");
    assertThat(new ObjectMapper().readTree(a.canonicalJson())).isEqualTo(a.tree());
    assertThat(a.digest())
        .isEqualTo(
            io.hsip.policygateway.hsip.Sha256.hex(
                a.canonicalJson().getBytes(StandardCharsets.UTF_8)));
    CompiledPolicy c = compiler.compile(PolicyDocs.small("s", "9h", "")).orThrow();
    assertThat(c.digest()).isNotEqualTo(a.digest());
  }

  @Test
  void canonicalJsonEscapesAsRfc8785() throws Exception {
    assertThat(
            PolicyCanonicalForm.of(
                new ObjectMapper().readTree("{\"b\":\"\\u0001\\n\\\"é\",\"a\":[1,true,null]}")))
        .isEqualTo("{\"a\":[1,true,null],\"b\":\"\\u0001\\n\\\"é\"}");
  }

  @Test
  void theDiffIsRuleLevelAndIgnoresRuleOrder() {
    CompiledPolicy before =
        compiler
            .compile(
                PolicyDocs.small(
                    "s",
                    "8h",
                    """
        - id: a
          effect: allow
          purpose: {exact: [x]}
        - id: b
          effect: deny
          purpose: {exact: [y]}
        """))
            .orThrow();
    CompiledPolicy after =
        compiler
            .compile(
                PolicyDocs.small(
                        "s",
                        "4h",
                        """
        - id: b
          effect: deny
          purpose: {exact: [y]}
        - id: c
          effect: allow
          purpose: {exact: [z]}
        """)
                    .replace("Europe/Berlin", "Europe/Paris"))
            .orThrow();
    PolicyDiff diff = PolicyDiff.between(before.tree(), after.tree());
    assertThat(diff.settings())
        .extracting(PolicyDiff.FieldChange::pointer)
        .containsExactly("/timezone");
    assertThat(diff.added()).extracting(PolicyDiff.RuleChange::ruleId).containsExactly("c");
    assertThat(diff.removed()).extracting(PolicyDiff.RuleChange::ruleId).containsExactly("a");
    assertThat(diff.changed())
        .singleElement()
        .satisfies(
            change -> {
              assertThat(change.ruleId()).isEqualTo("members-chat");
              assertThat(change.fields())
                  .singleElement()
                  .satisfies(
                      f -> {
                        assertThat(f.pointer()).isEqualTo("/ttl_cap");
                        assertThat(f.before().asText()).isEqualTo("8h");
                        assertThat(f.after().asText()).isEqualTo("4h");
                      });
            });
    assertThat(diff.unchanged()).isEqualTo(1);
    assertThat(PolicyDiff.between(before.tree(), before.tree()).isEmpty()).isTrue();
  }

  @Test
  void theUtf8LengthIsWhatTheEncoderWritesWithoutEncoding() {
    for (String text :
        new String[] {
          "",
          "ascii",
          "größe",
          "€ and 日本",
          "emoji \uD83D\uDE00 pair",
          "lone \uD800 high",
          "lone \uDC00 low",
          "end \uD83D"
        }) {
      assertThat(PolicyCompiler.utf8Length(text))
          .as(text)
          .isEqualTo(java.nio.charset.StandardCharsets.UTF_8.encode(text).remaining());
    }
  }
}
