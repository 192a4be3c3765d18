package io.hsip.policygateway.policy.suite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import io.hsip.policygateway.policy.compile.Finding;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * What CI systems read from a run of policy test suites: a JUnit XML report (one test suite per
 * policy suite, one test case per case, a failure per unmet expectation, an error when the policy
 * does not compile), and the rule coverage of each policy: which of its rules no case reaches.
 */
public final class SuiteReports {

  private SuiteReports() {}

  /**
   * The rules of one policy that the cases of every suite testing it reach.
   *
   * @param policyFile the policy
   * @param rules its rule ids, in document order
   * @param unreached the ids of the rules no case matched, in document order
   */
  public record Coverage(Path policyFile, List<String> rules, List<String> unreached) {
    /** The share of rules reached, in percent (100 for a policy without rules). */
    public double percent() {
      return rules.isEmpty() ? 100.0 : 100.0 * (rules.size() - unreached.size()) / rules.size();
    }

    /** One line for people: "12 of 24 rules reached (50.0 %); never reached: a, b". */
    public String summary() {
      String line =
          String.format(
              Locale.ROOT,
              "%d of %d rules reached (%.1f %%)",
              rules.size() - unreached.size(),
              rules.size(),
              percent());
      return unreached.isEmpty() ? line : line + "; never reached: " + String.join(", ", unreached);
    }
  }

  /**
   * Coverage per policy, over every suite that tests it: a rule is reached when it is among the
   * matched rules of any case's decision, passing or not. Policies that did not compile are left
   * out (their suites fail anyway).
   */
  public static List<Coverage> coverage(List<PolicySuite.Result> results) {
    Map<Path, List<String>> rules = new LinkedHashMap<>();
    Map<Path, Set<String>> reached = new LinkedHashMap<>();
    for (PolicySuite.Result result : results) {
      if (result.policyFindings().stream().anyMatch(Finding::isError)) {
        continue;
      }
      Path policy = result.suite().policyFile();
      rules.putIfAbsent(policy, result.ruleIds());
      Set<String> matched = reached.computeIfAbsent(policy, p -> new LinkedHashSet<>());
      for (PolicySuite.CaseResult r : result.results()) {
        matched.addAll(r.decision().matchedRuleIds());
      }
    }
    List<Coverage> out = new ArrayList<>();
    rules.forEach(
        (policy, ids) ->
            out.add(
                new Coverage(
                    policy,
                    ids,
                    ids.stream().filter(id -> !reached.get(policy).contains(id)).toList())));
    return out;
  }

  /** The coverage as JSON: per policy, its rule count, percentage and the rules never reached. */
  public static String coverageJson(List<Coverage> coverage) {
    ObjectMapper json = ObjectMappers.standard();
    ObjectNode root = json.createObjectNode();
    ArrayNode policies = root.putArray("policies");
    for (Coverage c : coverage) {
      ObjectNode policy = policies.addObject();
      policy.put("policy", c.policyFile().toString());
      policy.put("rules", c.rules().size());
      policy.put("reached", c.rules().size() - c.unreached().size());
      policy.put("percent", Math.round(c.percent() * 10) / 10.0);
      ArrayNode unreached = policy.putArray("unreached");
      c.unreached().forEach(unreached::add);
    }
    try {
      return json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a coverage report always serialises", e);
    }
  }

  /**
   * Writes the results as JUnit XML (the {@code testsuites} format every CI system reads): a case
   * that failed has one {@code failure} listing each unmet expectation and the decision's
   * explanation; a suite whose policy does not compile has one {@code error} per case.
   */
  public static void writeJUnit(List<PolicySuite.Result> results, Writer out)
      throws XMLStreamException {
    XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
    xml.writeStartDocument("UTF-8", "1.0");
    xml.writeCharacters("\n");
    long tests = results.stream().mapToLong(r -> r.suite().cases().size()).sum();
    long failures = results.stream().mapToLong(PolicySuite.Result::failed).sum();
    long errors =
        results.stream()
            .filter(r -> r.policyFindings().stream().anyMatch(Finding::isError))
            .mapToLong(r -> r.suite().cases().size())
            .sum();
    xml.writeStartElement("testsuites");
    xml.writeAttribute("name", "hsip policy test");
    xml.writeAttribute("tests", Long.toString(tests));
    xml.writeAttribute("failures", Long.toString(failures));
    xml.writeAttribute("errors", Long.toString(errors));
    for (PolicySuite.Result result : results) {
      suite(xml, result);
    }
    xml.writeCharacters("\n");
    xml.writeEndElement();
    xml.writeCharacters("\n");
    xml.writeEndDocument();
    xml.flush();
  }

  private static void suite(XMLStreamWriter xml, PolicySuite.Result result)
      throws XMLStreamException {
    PolicySuite suite = result.suite();
    List<Finding> errors = result.policyFindings().stream().filter(Finding::isError).toList();
    xml.writeCharacters("\n  ");
    xml.writeStartElement("testsuite");
    xml.writeAttribute("name", suite.name());
    xml.writeAttribute("file", suite.file().toString());
    xml.writeAttribute("tests", Integer.toString(suite.cases().size()));
    xml.writeAttribute("failures", Long.toString(result.failed()));
    xml.writeAttribute("errors", Integer.toString(errors.isEmpty() ? 0 : suite.cases().size()));
    if (!errors.isEmpty()) {
      StringBuilder why = new StringBuilder();
      errors.forEach(
          f -> why.append(suite.policyFile()).append(':').append(f.format()).append('\n'));
      for (PolicySuite.Case c : suite.cases()) {
        testCase(xml, suite, c);
        xml.writeStartElement("error");
        xml.writeAttribute("message", "policy " + suite.policyFile() + " does not compile");
        xml.writeCharacters(why.toString());
        xml.writeEndElement();
        xml.writeEndElement();
      }
    }
    for (PolicySuite.CaseResult r : result.results()) {
      testCase(xml, suite, r.testCase());
      if (!r.passed()) {
        xml.writeStartElement("failure");
        xml.writeAttribute("message", String.join("; ", r.failures()));
        xml.writeCharacters(
            String.join("\n", r.failures()) + "\ndecision: " + r.decision().explanation() + "\n");
        xml.writeEndElement();
      }
      xml.writeEndElement();
    }
    xml.writeCharacters("\n  ");
    xml.writeEndElement();
  }

  private static void testCase(XMLStreamWriter xml, PolicySuite suite, PolicySuite.Case c)
      throws XMLStreamException {
    xml.writeCharacters("\n    ");
    xml.writeStartElement("testcase");
    xml.writeAttribute("classname", suite.name());
    xml.writeAttribute("name", c.name());
    xml.writeAttribute("file", suite.file().toString());
    xml.writeAttribute("line", Integer.toString(c.line()));
  }
}
