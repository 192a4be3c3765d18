package io.hsip.policygateway.policy.compile.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * CEL conditions of policy rules: one type-checked environment over the request's attributes, with
 * hard limits on expression size, parse depth, node count, regular expressions and evaluation cost.
 *
 * <p>Variables: {@code requester.peer_id}, {@code requester.kind} ({@code "member"} or {@code
 * "external"}), {@code requester.groups} (sorted), {@code requester.reputation}, {@code
 * target.member} ({@code ""} when none), {@code target.groups} (sorted), {@code target.service}
 * ({@code ""} when none), {@code purpose}, {@code requested_ttl_ms}, and the local time in the
 * policy's zone: {@code time.hour}, {@code time.minute}, {@code time.weekday} ({@code "mon"} …
 * {@code "sun"}).
 */
public final class CelConditions {

  /** Compiled conditions kept by their text (a program is some kilobytes). */
  private static final int CACHED_CONDITIONS = 2048;

  private final Cache<String, Compiled> compiled;

  /** Names of the CEL variables, shared with the activation the evaluator builds. */
  public static final String REQUESTER_PEER_ID = "requester.peer_id";

  public static final String REQUESTER_KIND = "requester.kind";
  public static final String REQUESTER_GROUPS = "requester.groups";
  public static final String REQUESTER_REPUTATION = "requester.reputation";
  public static final String TARGET_MEMBER = "target.member";
  public static final String TARGET_GROUPS = "target.groups";
  public static final String TARGET_SERVICE = "target.service";
  public static final String PURPOSE = "purpose";
  public static final String REQUESTED_TTL_MS = "requested_ttl_ms";
  public static final String TIME_HOUR = "time.hour";
  public static final String TIME_MINUTE = "time.minute";
  public static final String TIME_WEEKDAY = "time.weekday";

  /** Every variable a condition may read. */
  public static final List<String> VARIABLES =
      List.of(
          REQUESTER_PEER_ID,
          REQUESTER_KIND,
          REQUESTER_GROUPS,
          REQUESTER_REPUTATION,
          TARGET_MEMBER,
          TARGET_GROUPS,
          TARGET_SERVICE,
          PURPOSE,
          REQUESTED_TTL_MS,
          TIME_HOUR,
          TIME_MINUTE,
          TIME_WEEKDAY);

  /**
   * Limits on one condition.
   *
   * @param maxLength longest expression, in code points
   * @param maxNodes most syntax-tree nodes
   * @param maxParseDepth deepest parse recursion (nesting of parentheses, calls, operators)
   * @param maxComprehensionNesting deepest nesting of macros such as {@code exists} and {@code all}
   * @param maxIterations most comprehension iterations in one evaluation
   * @param maxRegexProgramSize largest compiled regular expression
   */
  public record Limits(
      int maxLength,
      int maxNodes,
      int maxParseDepth,
      int maxComprehensionNesting,
      int maxIterations,
      int maxRegexProgramSize) {}

  /**
   * A problem with a condition, positioned inside the expression.
   *
   * @param line 1-based line within the expression
   * @param column 1-based column within that line
   * @param message what is wrong
   */
  public record Issue(int line, int column, String message) {}

  /** A compiled, type-checked condition. */
  public static final class Condition {
    private final CelRuntime.Program program;

    Condition(CelRuntime.Program program) {
      this.program = program;
    }

    /**
     * Evaluates the condition.
     *
     * @throws ConditionFailedException when it cannot be evaluated or does not yield a boolean
     */
    public boolean test(RequestFacts facts) throws ConditionFailedException {
      Object result;
      try {
        result = program.eval(facts::variable);
      } catch (CelEvaluationException e) {
        throw new ConditionFailedException(e.getMessage());
      }
      if (result instanceof Boolean b) {
        return b;
      }
      throw new ConditionFailedException("the condition did not yield a boolean");
    }
  }

  /** A condition that could not be evaluated for a request. */
  public static final class ConditionFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    ConditionFailedException(String message) {
      super(message);
    }
  }

  /**
   * The outcome of compiling one condition: a condition, or the issues.
   *
   * @param condition the compiled condition, or null when there are issues
   * @param issues what is wrong, ordered by position
   */
  public record Compiled(@Nullable Condition condition, List<Issue> issues) {}

  private final Limits limits;
  private final CelCompiler compiler;
  private final CelRuntime runtime;

  /** An environment with these limits. */
  public CelConditions(Limits limits) {
    this.limits = limits;
    CelOptions options =
        CelOptions.current()
            .maxExpressionCodePointSize(limits.maxLength())
            .maxParseExpressionNodeCount(limits.maxNodes())
            .maxParseRecursionDepth(limits.maxParseDepth())
            .comprehensionMaxIterations(limits.maxIterations())
            .maxRegexProgramSize(limits.maxRegexProgramSize())
            .build();
    this.compiler =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(options)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar(REQUESTER_PEER_ID, SimpleType.STRING)
            .addVar(REQUESTER_KIND, SimpleType.STRING)
            .addVar(REQUESTER_GROUPS, ListType.create(SimpleType.STRING))
            .addVar(REQUESTER_REPUTATION, SimpleType.INT)
            .addVar(TARGET_MEMBER, SimpleType.STRING)
            .addVar(TARGET_GROUPS, ListType.create(SimpleType.STRING))
            .addVar(TARGET_SERVICE, SimpleType.STRING)
            .addVar(PURPOSE, SimpleType.STRING)
            .addVar(REQUESTED_TTL_MS, SimpleType.INT)
            .addVar(TIME_HOUR, SimpleType.INT)
            .addVar(TIME_MINUTE, SimpleType.INT)
            .addVar(TIME_WEEKDAY, SimpleType.STRING)
            .setResultType(SimpleType.BOOL)
            .build();
    this.runtime = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(options).build();
    this.compiled =
        Caffeine.newBuilder().maximumSize(CACHED_CONDITIONS).executor(Runnable::run).build();
  }

  /**
   * Parses, type-checks and plans {@code expression}; never throws for a bad expression. The same
   * text compiles once: large policies repeat their conditions, and reloading a new version
   * recompiles only the conditions that changed (programs are immutable and thread-safe).
   */
  public Compiled compile(String expression) {
    return compiled.get(expression, this::compileNow);
  }

  private Compiled compileNow(String expression) {
    if (expression.codePointCount(0, expression.length()) > limits.maxLength()) {
      return failed(
          new Issue(1, 1, "the condition is longer than " + limits.maxLength() + " characters"));
    }
    CelAbstractSyntaxTree ast;
    try {
      ast = compiler.compile(expression).getAst();
    } catch (CelValidationException e) {
      List<Issue> issues = new ArrayList<>();
      for (CelIssue issue : e.getErrors()) {
        int line = Math.max(1, issue.getSourceLocation().getLine());
        int column = Math.max(0, issue.getSourceLocation().getColumn()) + 1;
        issues.add(new Issue(line, column, issue.getMessage()));
      }
      issues.sort(Comparator.comparingInt(Issue::line).thenComparingInt(Issue::column));
      return new Compiled(null, List.copyOf(issues));
    }
    int nesting = comprehensionNesting(ast);
    if (nesting > limits.maxComprehensionNesting()) {
      return failed(
          new Issue(
              1,
              1,
              "macros such as exists() and all() nest "
                  + nesting
                  + " deep; at most "
                  + limits.maxComprehensionNesting()
                  + " allowed"));
    }
    try {
      return new Compiled(new Condition(runtime.createProgram(ast)), List.of());
    } catch (CelEvaluationException e) {
      return failed(new Issue(1, 1, e.getMessage()));
    }
  }

  private static Compiled failed(Issue issue) {
    return new Compiled(null, List.of(issue));
  }

  private static int comprehensionNesting(CelAbstractSyntaxTree ast) {
    int deepest = 0;
    List<CelNavigableExpr> comprehensions =
        CelNavigableAst.fromAst(ast)
            .getRoot()
            .allNodes()
            .filter(n -> n.getKind() == CelExpr.ExprKind.Kind.COMPREHENSION)
            .toList();
    for (CelNavigableExpr node : comprehensions) {
      int depth = 0;
      for (CelNavigableExpr at = node;
          at != null;
          at = at.parent().orElse(null)) { // walks to the root
        if (at.getKind() == CelExpr.ExprKind.Kind.COMPREHENSION) {
          depth++;
        }
      }
      deepest = Math.max(deepest, depth);
    }
    return deepest;
  }
}
