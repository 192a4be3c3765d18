package io.hsip.policygateway.cli;

import io.hsip.policygateway.policy.compile.Compilation;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.Finding;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.compile.PolicyLimits;
import io.hsip.policygateway.policy.generate.OrganisationGenerator;
import io.hsip.policygateway.policy.suite.PolicySuite;
import io.hsip.policygateway.policy.suite.SuiteReports;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLStreamException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hsip policy}: check consent policy files and run their test suites offline, as CI does.
 */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description =
        "Consent policies as code: validate documents, run policy test suites, generate large ones, and ask a gateway what a draft would change.",
    subcommands = {
      PolicyCommand.Validate.class,
      PolicyCommand.Test.class,
      PolicyCommand.Generate.class,
      PolicyImpactCommand.class
    })
final class PolicyCommand {

  private PolicyCommand() {}

  /**
   * The document limits, as the gateway's {@code policy.limits.*} set them: the same defaults
   * ({@link PolicyLimits#DEFAULTS}), so a file the CLI accepts the gateway accepts too.
   */
  static final class LimitOptions {
    @Option(
        names = "--max-document-bytes",
        paramLabel = "BYTES",
        description = "Largest document (policy.limits.max-document-bytes; default: 8388608).")
    @Nullable Integer maxBytes;

    @Option(
        names = "--max-rules",
        paramLabel = "N",
        description = "Most rules in a document (policy.limits.max-rules; default: 20000).")
    @Nullable Integer maxRules;

    PolicyLimits limits() throws CliException {
      PolicyLimits d = PolicyLimits.DEFAULTS;
      int bytes = maxBytes == null ? d.maxBytes() : maxBytes;
      int rules = maxRules == null ? d.maxRules() : maxRules;
      if (bytes < 1 || rules < 1) {
        throw new CliException(
            CliException.USAGE, "--max-document-bytes and --max-rules must be positive");
      }
      return d.withSize(bytes, rules);
    }
  }

  /**
   * Compiles a policy file; one over the size limit is a {@code limit} finding (exit 1, as the
   * gateway's API refuses it), found from its size before anything of it is read.
   */
  static Compilation read(PolicyCompiler compiler, Path file) throws CliException {
    try {
      long size = Files.size(file);
      if (size > compiler.limits().maxBytes()) {
        return compiler.tooLarge(size);
      }
      return compiler.compile(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new CliException(CliException.INPUT, file + " does not exist");
    } catch (IOException e) {
      throw new CliException(
          CliException.INPUT, "cannot read " + file + ": " + e.getClass().getSimpleName());
    }
  }

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

    @Mixin LimitOptions limits;

    @Override
    public Integer call() throws CliException {
      PolicyCompiler compiler = new PolicyCompiler(limits.limits());
      boolean rejected = false;
      for (Path file : files) {
        Compilation compilation = read(compiler, file);
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
        "Each case is a request with its expected effect, TTL and rules; prints the rule coverage of"
            + " each policy (the rules no case reaches); exit 1 if a case fails or coverage is"
            + " under --min-coverage."
      })
  static final class Test extends CliCommand {
    @Parameters(
        arity = "1..*",
        paramLabel = "SUITE_OR_DIR",
        description = "Suite files or directories.")
    List<Path> paths;

    @Mixin LimitOptions limits;

    @Option(
        names = "--junit",
        paramLabel = "FILE",
        description = "Also write the results as JUnit XML, for any CI system.")
    @Nullable Path junit;

    @Option(
        names = "--coverage",
        paramLabel = "FILE",
        description = "Also write the rule coverage as JSON.")
    @Nullable Path coverageFile;

    @Option(
        names = "--min-coverage",
        paramLabel = "PERCENT",
        description = "Fail (exit 1) when a policy's rule coverage is under this (0 to 100).")
    @Nullable Double minCoverage;

    @Override
    public Integer call() throws CliException {
      checkOptions();
      PolicyCompiler compiler = new PolicyCompiler(limits.limits());
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
      List<SuiteReports.Coverage> coverage = SuiteReports.coverage(results);
      boolean covered = true;
      for (SuiteReports.Coverage c : coverage) {
        out.println("coverage " + c.policyFile() + ": " + c.summary());
        if (minCoverage != null && c.percent() < minCoverage) {
          covered = false;
          out.printf(
              Locale.ROOT,
              "FAIL coverage of %s is %.1f %%, under --min-coverage %s%n",
              c.policyFile(),
              c.percent(),
              minCoverage);
        }
      }
      out.flush();
      if (junit != null) {
        try (Writer xml = Files.newBufferedWriter(junit, StandardCharsets.UTF_8)) {
          SuiteReports.writeJUnit(results, xml);
        } catch (IOException | XMLStreamException e) {
          throw new CliException(
              CliException.INPUT, "cannot write " + junit + ": " + e.getClass().getSimpleName());
        }
      }
      if (coverageFile != null) {
        CliFiles.writeDocument(coverageFile, SuiteReports.coverageJson(coverage), out);
      }
      return failed == 0 && covered ? 0 : CliException.REJECTED;
    }

    private void checkOptions() throws CliException {
      if (minCoverage != null && (minCoverage < 0 || minCoverage > 100 || minCoverage.isNaN())) {
        throw new CliException(CliException.USAGE, "--min-coverage must be between 0 and 100");
      }
    }
  }

  /** {@code policy generate}. */
  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = {
        "Write a synthetic organisation's policy of any size, for capacity tests and trials.",
        "Groups, purposes, prefixes, denies for external peers, TTL caps, reputation thresholds,"
            + " time windows and CEL conditions; the same size and seed give the same bytes."
      })
  static final class Generate extends CliCommand {
    @Option(
        names = "--rules",
        required = true,
        paramLabel = "N",
        description = "How many rules (1 to 1000000).")
    int rules;

    @Option(
        names = "--seed",
        paramLabel = "S",
        defaultValue = "7",
        description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = {"-o", "--out"},
        paramLabel = "FILE",
        description = "Write here instead of standard output.")
    @Nullable Path out;

    @Override
    public Integer call() throws CliException {
      if (rules < 1 || rules > 1_000_000) {
        throw new CliException(CliException.USAGE, "--rules must be between 1 and 1000000");
      }
      CliFiles.writeDocument(out, new OrganisationGenerator(rules, seed).document(), out());
      return 0;
    }
  }
}
