package io.hsip.policygateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hsip policy validate} and {@code hsip policy test}: output and exit codes. */
class PolicyCommandTest {

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return HsipCli.run(
        Clock.systemUTC(), new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void validateAcceptsTheExampleOrganisation() {
    assertThat(run("policy", "validate", "policies/example-org.yaml")).isZero();
    assertThat(out.toString())
        .matches(
            "OK: policies/example-org.yaml: policy set acme, 24 rules, sha256:[0-9a-f]{64}, 0 warning\\(s\\)\n");
  }

  @Test
  void validateRejectsADocumentTooCostlyToCompile() throws Exception {
    // Every rule covers every other: 25 million lint comparisons, past the 2 s CPU budget.
    StringBuilder doc =
        new StringBuilder(
            "schema: hsip.io/policy/v1\npolicy_set: costly\ntimezone: UTC\ngroups: []\nrules:\n");
    for (int i = 0; i < 4999; i++) {
      doc.append("  - {id: r").append(i).append(", effect: allow}\n");
    }
    Path costly = dir.resolve("costly.yaml");
    Files.writeString(costly, doc);
    assertThat(run("policy", "validate", costly.toString())).isEqualTo(1);
    assertThat(out.toString())
        .isEqualTo(
            costly
                + ":0:0: error [budget] the document is too costly to compile: it used more than"
                + " 2000 ms of CPU time, the limit for its size; split it, or give its rules fewer"
                + " overlaps and conditions (at /)\n"
                + "REJECTED: "
                + costly
                + " has 1 error(s)\n");
  }

  @Test
  void aDocumentOverTheSizeLimitIsALimitFindingNotAnInputError() throws Exception {
    Path example = Path.of("policies/example-org.yaml");
    long size = Files.size(example);
    assertThat(run("policy", "validate", "--max-document-bytes", "1000", example.toString()))
        .isEqualTo(1);
    assertThat(out.toString())
        .isEqualTo(
            example
                + ":0:0: error [limit] the document is "
                + size
                + " bytes; the limit is 1000 (at /)\n"
                + "REJECTED: "
                + example
                + " has 1 error(s)\n");
  }

  @Test
  void aDocumentOverTheRuleLimitIsALimitFinding() {
    assertThat(run("policy", "validate", "--max-rules", "10", "policies/example-org.yaml"))
        .isEqualTo(1);
    assertThat(out.toString())
        .contains("error [limit] the policy has 24 rules; the limit is 10 (at /rules)");
  }

  @Test
  void largeOrganisationsFitTheDefaultLimits() throws Exception {
    // 10,000 rules: 1.6 MB, which the CLI refused outright when it capped files at 1 MiB.
    Path large = dir.resolve("large.yaml");
    assertThat(run("policy", "generate", "--rules", "10000", "--out", large.toString())).isZero();
    assertThat(Files.size(large)).isGreaterThan(1024 * 1024);
    Path again = dir.resolve("again.yaml");
    assertThat(run("policy", "generate", "--rules", "10000", "-o", again.toString())).isZero();
    assertThat(Files.mismatch(large, again)).as("same size and seed, same bytes").isEqualTo(-1);
    assertThat(run("policy", "validate", large.toString())).isZero();
    assertThat(out.toString()).contains("policy set generated-org, 10000 rules");
  }

  @Test
  void generateRefusesImpossibleSizes() {
    assertThat(run("policy", "generate", "--rules", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--rules must be between 1 and 1000000");
  }

  @Test
  void validateRejectsABrokenPolicyWithPreciseFindings() throws Exception {
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(
        broken,
        Files.readString(Path.of("policies/example-org.yaml"))
            .replace(
                "effect: deny\n    requester:\n      peer_ids",
                "effect: block\n    requester:\n      peer_ids"));
    assertThat(run("policy", "validate", broken.toString())).isEqualTo(1);
    String[] lines = out.toString().split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0])
        .isEqualTo(
            broken
                + ":45:13: error [schema] effect must be allow or deny"
                + " (rule deny-blocked-peers, at /rules/1/effect)");
    assertThat(lines[1]).isEqualTo("REJECTED: " + broken + " has 1 error(s)");
  }

  @Test
  void validateReportsReferenceAndCelErrorsOnceTheSchemaHolds() throws Exception {
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(
        broken,
        Files.readString(Path.of("policies/example-org.yaml"))
            .replace("groups_any: [hr]", "groups_any: [human-resources]")
            .replace(
                "condition: requester.reputation >= 80",
                "condition: requester.reputation >= \"80\""));
    assertThat(run("policy", "validate", broken.toString())).isEqualTo(1);
    assertThat(out.toString())
        .contains(
            broken
                + ":156:20: error [unknown-group] group \"human-resources\" is not declared in groups"
                + " (rule allow-hr-payroll, at /rules/12/requester/groups_any/0)")
        .contains(
            broken
                + ":185:37: error [cel] CEL: found no matching overload for '_>=_' applied to '(int, string)'")
        .endsWith("REJECTED: " + broken + " has 2 error(s)\n");
  }

  @Test
  void testRunsEverySuiteInADirectory() {
    assertThat(run("policy", "test", "policies/tests")).isZero();
    assertThat(out.toString())
        .contains("ok   colleagues: 14 case(s), 0 failed")
        .contains(" passed, 0 failed\n")
        .containsPattern("coverage .*policies/example-org.yaml: \\d+ of 24 rules reached");
  }

  @Test
  void testWritesJUnitXmlAndRuleCoverageAndEnforcesAMinimum() throws Exception {
    Path suite = dir.resolve("partial.yaml");
    Files.writeString(
        suite,
        """
        suite: partial <&> coverage
        policy: %s
        defaults: {at: "2026-03-04T10:00:00+01:00", ttl: 1h}
        cases:
          - name: colleagues chat
            request:
              requester: {kind: member, reputation: 80}
              target: {member: BOB22222222222222222222222, service: chat}
              purpose: chat
            expect: {effect: allow}
          - name: a wrong expectation
            request:
              requester: {kind: external, reputation: 90}
              target: {service: chat}
              purpose: chat
            expect: {effect: allow, ttl: 1h}
        """
            .formatted(Path.of("policies/example-org.yaml").toAbsolutePath()));
    Path junit = dir.resolve("junit.xml");
    Path coverage = dir.resolve("coverage.json");
    assertThat(
            run(
                "policy",
                "test",
                "--junit",
                junit.toString(),
                "--coverage",
                coverage.toString(),
                "--min-coverage",
                "50",
                suite.toString()))
        .isEqualTo(1);
    assertThat(out.toString())
        .contains("1 passed, 1 failed")
        .containsPattern("coverage .*example-org.yaml: 1 of 24 rules reached \\(4\\.2 %\\); never")
        .contains("FAIL coverage of ")
        .contains("is 4.2 %, under --min-coverage 50.0");

    // JUnit XML as CI systems read it: counts, one testcase per case, the failure with its reasons.
    var xml =
        javax.xml.parsers.DocumentBuilderFactory.newDefaultInstance()
            .newDocumentBuilder()
            .parse(junit.toFile());
    var suites = xml.getDocumentElement();
    assertThat(suites.getTagName()).isEqualTo("testsuites");
    assertThat(suites.getAttribute("tests")).isEqualTo("2");
    assertThat(suites.getAttribute("failures")).isEqualTo("1");
    var cases = xml.getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(2);
    var first = (org.w3c.dom.Element) cases.item(0);
    assertThat(first.getAttribute("classname")).isEqualTo("partial <&> coverage");
    assertThat(first.getAttribute("name")).isEqualTo("colleagues chat");
    assertThat(first.getElementsByTagName("failure").getLength()).isZero();
    var failure =
        (org.w3c.dom.Element)
            ((org.w3c.dom.Element) cases.item(1)).getElementsByTagName("failure").item(0);
    assertThat(failure.getAttribute("message"))
        .isEqualTo("expected allow but got deny; expected TTL 1h but got 0s");
    assertThat(failure.getTextContent()).contains("decision: DENY: no rule matches");

    // The coverage report names every rule no case reached.
    var report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(coverage.toFile());
    var policy = report.path("policies").get(0);
    assertThat(policy.path("rules").asInt()).isEqualTo(24);
    assertThat(policy.path("reached").asInt()).isEqualTo(1);
    assertThat(policy.path("unreached")).hasSize(23);
    assertThat(policy.path("unreached").toString()).doesNotContain("allow-internal-chat");

    // Without the threshold and without the failing case, the same run passes.
    Files.writeString(
        suite, Files.readString(suite).replace("effect: allow, ttl: 1h", "effect: deny"));
    assertThat(run("policy", "test", suite.toString())).isZero();
    assertThat(run("policy", "test", "--min-coverage", "101", suite.toString())).isEqualTo(2);
  }

  @Test
  void aFailingSuiteExitsWithOneAndExplains() throws Exception {
    Path suite = dir.resolve("failing.yaml");
    Files.writeString(
        suite,
        """
        suite: failing
        policy: %s
        cases:
          - name: externals cannot chat internally
            request:
              requester: {kind: external, reputation: 90}
              target: {service: chat}
              purpose: chat
              ttl: 1h
              at: "2026-03-04T10:00:00+01:00"
            expect: {effect: allow}
        """
            .formatted(Path.of("policies/example-org.yaml").toAbsolutePath()));
    assertThat(run("policy", "test", suite.toString())).isEqualTo(1);
    assertThat(out.toString())
        .contains("FAIL " + suite + ":4 externals cannot chat internally")
        .contains("  expected allow but got deny")
        .contains("  decision: DENY: no rule matches (default deny).")
        .contains("0 passed, 1 failed\n");
  }

  @Test
  void unreadableInputIsExitThreeAndUsageIsTwo() {
    assertThat(run("policy", "validate", dir.resolve("missing.yaml").toString())).isEqualTo(3);
    assertThat(err.toString()).contains("does not exist");
    assertThat(run("policy", "test", dir.resolve("missing.yaml").toString())).isEqualTo(3);
    assertThat(err.toString()).contains("does not exist");
    assertThat(run("policy", "validate")).isEqualTo(2);
    assertThat(run("policy", "frobnicate")).isEqualTo(2);
  }
}
