package io.hsip.policygateway.policy.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.policy.PolicyDocs;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CPU budget of one compilation (PolicyLimits.maxCompileTime): a document crafted to be
 * expensive within every other limit is refused once the budget is spent, not compiled for tens of
 * seconds; normal documents are far inside it.
 */
class PolicyCompileBudgetTest {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * 4,999 allow rules that match every request, in 150 KiB (well inside the 8 MiB and 20,000-rule
   * limits): every rule covers every other, so the lints compare all 25 million pairs. Before the
   * budget this compiled, for 15 to 35 seconds of one core on the build machine.
   */
  static String everyRuleOverlaps() {
    StringBuilder rules = new StringBuilder();
    for (int i = 0; i < 4999; i++) {
      rules.append("- {id: r").append(i).append(", effect: allow}\n");
    }
    return PolicyDocs.small("costly", "8h", rules.toString());
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aDocumentCraftedToBeExpensiveIsRefusedWithinTheBudget() {
    PolicyCompiler compiler =
        new PolicyCompiler(PolicyLimits.DEFAULTS.withMaxCompileTime(Duration.ofMillis(500)));
    byte[] document = everyRuleOverlaps().getBytes(StandardCharsets.UTF_8);
    assertThat(document.length).isLessThan(PolicyLimits.DEFAULTS.maxBytes());

    long cpuBefore = THREADS.getCurrentThreadCpuTime();
    Compilation c = compiler.compile(document);
    long cpuMs = TimeUnit.NANOSECONDS.toMillis(THREADS.getCurrentThreadCpuTime() - cpuBefore);

    assertThat(c.ok()).isFalse();
    assertThat(c.overBudget()).isTrue();
    assertThat(c.errors())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.code()).isEqualTo("budget");
              assertThat(f.message())
                  .isEqualTo(
                      "the document is too costly to compile: it used more than 500 ms of CPU"
                          + " time, the limit for its size; split it, or give its rules fewer"
                          + " overlaps and conditions");
            });
    // The budget, plus at most one step between two checks of the clock.
    assertThat(cpuMs).as("CPU time spent on the refused document (ms)").isLessThan(500 + 400);
  }

  @Test
  void theDefaultBudgetRefusesItToo() {
    Compilation c = new PolicyCompiler(PolicyLimits.DEFAULTS).compile(everyRuleOverlaps());
    assertThat(c.overBudget()).isTrue();
    assertThat(c.errors().getFirst().message()).contains("more than 2000 ms of CPU time");
  }

  @Test
  void everyDocumentOfThePoliciesFolderCompilesWellInsideTheDefaultBudget() throws Exception {
    PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);
    List<Path> documents;
    try (Stream<Path> files = Files.list(Path.of("policies"))) {
      documents = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(documents).isNotEmpty();
    for (Path document : documents) {
      long cpuBefore = THREADS.getCurrentThreadCpuTime();
      Compilation c = compiler.compile(Files.readAllBytes(document));
      long cpuMs = TimeUnit.NANOSECONDS.toMillis(THREADS.getCurrentThreadCpuTime() - cpuBefore);
      assertThat(c.errors()).as(document.toString()).isEmpty();
      assertThat(cpuMs).as("CPU time of " + document + " (ms)").isLessThan(1000);
    }
  }

  @Test
  void publishedVersionsLoadForEnforcementWithoutABudget() {
    // A replica must load what was published however busy it is: the budget is for uploads.
    PolicyCompiler tight =
        new PolicyCompiler(PolicyLimits.DEFAULTS.withMaxCompileTime(Duration.ofNanos(1)));
    assertThat(tight.compile(PolicyDocs.example()).overBudget()).isTrue();
    CompiledPolicy published =
        new PolicyCompiler(PolicyLimits.DEFAULTS).compile(PolicyDocs.example()).orThrow();
    assertThat(tight.compileForEnforcement(published.canonicalJson()).ok()).isTrue();
  }

  @Test
  void theCompilerCountsWhatItCompiles() {
    PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);
    assertThat(compiler.compilations()).isZero();
    compiler.compile(PolicyDocs.example());
    compiler.compile("not: [a policy");
    assertThat(compiler.compilations()).isEqualTo(2);
    // Refused for its size before it is read: nothing compiled.
    compiler.compile(new byte[PolicyLimits.DEFAULTS.maxBytes() + 1]);
    assertThat(compiler.compilations()).isEqualTo(2);
  }
}
