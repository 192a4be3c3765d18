package io.hsip.policygateway.cli;

import io.hsip.policygateway.policy.compile.Compilation;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.Finding;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.compile.PolicyLimits;
import io.hsip.policygateway.policy.suite.PolicySuite;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code hsip policy}: check consent policy files and run their test suites offline, as CI does.
 */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = "Consent policies as code: validate documents and run policy test suites.",
    subcommands = {PolicyCommand.Validate.class, PolicyCommand.Test.class})
final class PolicyCommand {

  private PolicyCommand() {}

  /** {@code policy validate}. */
  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = {
        "Check policy documents: YAML, schema, references, CEL and lints.",
        "Prints every finding as line:column: severity [code] message; exit 1 if any is an error."
      })
  static final class Validate extends CliCommand {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Policy documents (YAML).")
    List<Path> files;

    @Override
    public Integer call() throws CliException {
      PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);
      boolean rejected = false;
      for (Path file : files) {
        Compilation compilation = compiler.compile(CliFiles.read(file));
        for (Finding finding : compilation.findings()) {
          out().println(file + ":" + finding.format());
        }
        CompiledPolicy policy = compilation.policy();
        if (policy == null) {
          rejected = true;
          out()
              .printf(
                  Locale.ROOT, "REJECTED: %s has %d error(s)%n", file, compilation.errors().size());
        } else {
          out()
              .printf(
                  Locale.ROOT,
                  "OK: %s: policy set %s, %d rules, sha256:%s, %d warning(s)%n",
                  file,
                  policy.document().policySet(),
                  policy.document().rules().size(),
                  policy.digest(),
                  compilation.warnings().size());
        }
      }
      out().flush();
      return rejected ? CliException.REJECTED : 0;
    }
  }

  /** {@code policy test}. */
  @Command(
      name = "test",
      mixinStandardHelpOptions = true,
      description = {
        "Run policy test suites (a suite file or a directory of *.yaml suites).",
        "Each case is a request with its expected effect, TTL and rules; exit 1 if any fails."
      })
  static final class Test extends CliCommand {
    @Parameters(
        arity = "1..*",
        paramLabel = "SUITE_OR_DIR",
        description = "Suite files or directories.")
    List<Path> paths;

    @Override
    public Integer call() throws CliException {
      PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);
      List<PolicySuite.Result> results = new ArrayList<>();
      try {
        for (Path path : paths) {
          for (Path file : PolicySuite.find(path)) {
            results.add(PolicySuite.load(file).run(compiler));
          }
        }
      } catch (PolicySuite.SuiteException e) {
        throw new CliException(CliException.INPUT, e.getMessage());
      }
      long passed = 0;
      long failed = 0;
      PrintWriter out = out();
      for (PolicySuite.Result result : results) {
        PolicySuite suite = result.suite();
        if (result.policyFindings().stream().anyMatch(Finding::isError)) {
          failed += suite.cases().size();
          out.printf(
              Locale.ROOT,
              "FAIL %s: policy %s does not compile%n",
              suite.file(),
              suite.policyFile());
          result.policyFindings().stream()
              .filter(Finding::isError)
              .forEach(f -> out.println("  " + suite.policyFile() + ":" + f.format()));
          continue;
        }
        for (PolicySuite.CaseResult r : result.results()) {
          if (r.passed()) {
            passed++;
            continue;
          }
          failed++;
          out.printf(
              Locale.ROOT,
              "FAIL %s:%d %s%n",
              suite.file(),
              r.testCase().line(),
              r.testCase().name());
          r.failures().forEach(f -> out.println("  " + f));
          out.println("  decision: " + r.decision().explanation().replace("\n", "\n    "));
        }
        out.printf(
            Locale.ROOT,
            "%s %s: %d case(s), %d failed%n",
            result.passed() ? "ok  " : "FAIL",
            suite.name(),
            suite.cases().size(),
            result.failed());
      }
      out.printf(Locale.ROOT, "%d passed, %d failed%n", passed, failed);
      out.flush();
      return failed == 0 ? 0 : CliException.REJECTED;
    }
  }
}
