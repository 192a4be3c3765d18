package io.hsip.policygateway.policy.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.compile.PolicyLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every suite in policies/tests passes, one JUnit test per case; and a failing suite says why. */
class PolicySuitesTest {

  private static final Path SUITES = Path.of("policies/tests");
  private final PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);

  @TestFactory
  Stream<DynamicTest> everyCaseOfEverySuitePasses() throws Exception {
    List<Path> files = PolicySuite.find(SUITES);
    assertThat(files).hasSizeGreaterThanOrEqualTo(4);
    return files.stream()
        .flatMap(
            file -> {
              PolicySuite.Result result;
              try {
                result = PolicySuite.load(file).run(compiler);
              } catch (PolicySuite.SuiteException e) {
                throw new AssertionError(e.getMessage(), e);
              }
              assertThat(result.policyFindings())
                  .as("findings of " + result.suite().policyFile())
                  .isEmpty();
              return result.results().stream()
                  .map(
                      r ->
                          DynamicTest.dynamicTest(
                              file.getFileName()
                                  + ":"
                                  + r.testCase().line()
                                  + " "
                                  + r.testCase().name(),
                              () ->
                                  assertThat(r.failures())
                                      .as(r.decision().explanation())
                                      .isEmpty()));
            });
  }

  @Test
  void theSuitesCoverEnoughCases() throws Exception {
    int cases = 0;
    for (Path file : PolicySuite.find(SUITES)) {
      cases += PolicySuite.load(file).cases().size();
    }
    assertThat(cases).isGreaterThanOrEqualTo(40);
  }

  @Test
  void aFailingCaseReportsEachUnmetExpectation(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("wrong.yaml"),
        """
        suite: wrong on purpose
        policy: %s
        cases:
          - name: chat is not a week long
            request:
              requester: {kind: member, reputation: 80}
              target: {member: BOB22222222222222222222222, service: chat}
              purpose: chat
              ttl: 2h
              at: "2026-03-04T10:00:00+01:00"
            expect: {effect: allow, ttl: 7d, rules: [allow-legal-hold], reason: denied_by_rule}
        """
            .formatted(Path.of("policies/example-org.yaml").toAbsolutePath()));
    PolicySuite.Result result = PolicySuite.load(dir.resolve("wrong.yaml")).run(compiler);
    assertThat(result.passed()).isFalse();
    assertThat(result.results().getFirst().failures())
        .containsExactly(
            "expected TTL 7d but got 2h",
            "expected rules [allow-legal-hold] but matched [allow-internal-chat]",
            "expected reason denied_by_rule but got allowed");
  }

  @Test
  void aMalformedSuiteNamesTheFileLineAndProblem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        """
        suite: bad
        policy: ../example-org.yaml
        cases:
          - name: typo
            request: {requester: {kind: member}, purpose: chat, ttl: 1h, at: "2026-03-04T10:00:00Z"}
            expect: {efect: allow}
        """);
    assertThatThrownBy(() -> PolicySuite.load(file))
        .isInstanceOf(PolicySuite.SuiteException.class)
        .hasMessage(
            file
                + ":6:13: expect is missing the required field effect\n"
                + file
                + ":6:21: unknown field efect in expect; allowed fields are effect, ttl, rules,"
                + " reason");
  }

  /**
   * Values a lenient reader would take for something else, so that a case passes for the wrong
   * reason, are errors at their line and column: a group without brackets (no groups), a word or a
   * fraction as reputation (0, or truncated), a rule id without brackets (no rules), and TTLs or
   * effects that are not what they look like.
   */
  @ParameterizedTest(name = "{0} / {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "requester: {kind: member, groups: finance} | {effect: deny}"
            + " | 5:49 | request.requester.groups must be a list, not text",
        "requester: {kind: member, reputation: high} | {effect: deny}"
            + " | 5:53 | request.requester.reputation must be a whole number, not text",
        "requester: {kind: member, reputation: 49.9} | {effect: deny}"
            + " | 5:53 | request.requester.reputation must be a whole number, not a number",
        "requester: {kind: member}, target: {groups: support} | {effect: deny}"
            + " | 5:59 | request.target.groups must be a list, not text",
        "requester: {kind: member} | {effect: deny, rules: deny-x}"
            + " | 6:35 | expect.rules must be a list, not text",
        "requester: {kind: member} | {effect: allow, ttl: 90}"
            + " | 6:34 | expect.ttl must be text, not a whole number",
        "requester: {kind: member} | {effect: allow, ttl: soon}"
            + " | 6:34 | expect.ttl must be a duration such as 30m, 8h or 7d",
        "requester: {kind: member} | {effect: maybe} | 6:22 | expect.effect must be allow or deny",
      })
  void leniencyIsAnErrorWithItsPlace(
      String request, String expect, String at, String message, @TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("lenient.yaml");
    Files.writeString(
        file,
        """
        suite: lenient
        policy: ../example-org.yaml
        cases:
          - name: reads as something else
            request: {%s, purpose: chat, ttl: 1h, at: "2026-03-04T10:00:00Z"}
            expect: %s
        """
            .formatted(request.strip(), expect.strip()));
    assertThatThrownBy(() -> PolicySuite.load(file))
        .isInstanceOf(PolicySuite.SuiteException.class)
        .hasMessage(file + ":" + at.strip() + ": " + message.strip());
  }
}
