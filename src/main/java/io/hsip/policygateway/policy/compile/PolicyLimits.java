package io.hsip.policygateway.policy.compile;

import io.hsip.policygateway.policy.compile.internal.CelConditions;
import java.time.Duration;

/**
 * Resource limits for reading and compiling one policy document. Hostile documents (huge, deeply
 * nested, alias bombs, pathological CEL) hit one of these and are refused with a clear message.
 *
 * @param maxBytes largest document, in UTF-8 bytes
 * @param maxDepth deepest YAML nesting
 * @param maxNodes most YAML values, counting what aliases repeat
 * @param maxAliases most YAML alias uses
 * @param maxRules most rules
 * @param maxConditionLength longest CEL condition, in characters
 * @param maxConditionNodes most CEL syntax-tree nodes
 * @param maxConditionParseDepth deepest CEL parse recursion
 * @param maxComprehensionNesting deepest nesting of CEL macros (exists, all, map, filter)
 * @param maxConditionIterations most CEL comprehension iterations per evaluation
 * @param maxCompileTime most CPU time one compilation of an uploaded document may spend per started
 *     MiB of it (reading, schema, references, CEL and lints): a large document reads and lints for
 *     longer, while a small one that needs seconds is an attack or a mistake; published versions
 *     loaded for enforcement are exempt
 */
public record PolicyLimits(
    int maxBytes,
    int maxDepth,
    int maxNodes,
    int maxAliases,
    int maxRules,
    int maxConditionLength,
    int maxConditionNodes,
    int maxConditionParseDepth,
    int maxComprehensionNesting,
    int maxConditionIterations,
    Duration maxCompileTime) {

  /** The default of {@link #maxCompileTime()}. */
  public static final Duration DEFAULT_MAX_COMPILE_TIME = Duration.ofSeconds(2);

  /** The defaults, also those of {@code policy.limits.*}. */
  public static final PolicyLimits DEFAULTS =
      new PolicyLimits(
          8 * 1024 * 1024,
          32,
          1_000_000,
          100,
          20_000,
          1024,
          200,
          32,
          1,
          1000,
          DEFAULT_MAX_COMPILE_TIME);

  /** Checks the compile time. */
  public PolicyLimits {
    if (!maxCompileTime.isPositive()) {
      throw new IllegalArgumentException("the compile time limit must be positive");
    }
    if (maxBytes < 1 || maxRules < 1 || maxNodes < 1) {
      throw new IllegalArgumentException("the document, rule and value limits must be positive");
    }
  }

  /** The CPU budget of compiling a document of {@code bytes}: the compile time per started MiB. */
  public Duration compileTimeFor(long bytes) {
    long mebibytes = Math.max(1, (bytes + (1 << 20) - 1) >> 20);
    return maxCompileTime.multipliedBy(mebibytes);
  }

  /** These limits with other document and rule counts. */
  public PolicyLimits withSize(int maxBytes, int maxRules) {
    return new PolicyLimits(
        maxBytes,
        maxDepth,
        maxNodes,
        maxAliases,
        maxRules,
        maxConditionLength,
        maxConditionNodes,
        maxConditionParseDepth,
        maxComprehensionNesting,
        maxConditionIterations,
        maxCompileTime);
  }

  /** These limits with another compile time. */
  public PolicyLimits withMaxCompileTime(Duration limit) {
    return new PolicyLimits(
        maxBytes,
        maxDepth,
        maxNodes,
        maxAliases,
        maxRules,
        maxConditionLength,
        maxConditionNodes,
        maxConditionParseDepth,
        maxComprehensionNesting,
        maxConditionIterations,
        limit);
  }

  YamlTree.Limits yaml() {
    return new YamlTree.Limits(maxBytes, maxDepth, maxNodes, maxAliases);
  }

  CelConditions.Limits cel() {
    return new CelConditions.Limits(
        maxConditionLength,
        maxConditionNodes,
        maxConditionParseDepth,
        maxComprehensionNesting,
        maxConditionIterations,
        100);
  }
}
