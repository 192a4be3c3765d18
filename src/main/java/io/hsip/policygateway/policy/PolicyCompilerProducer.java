package io.hsip.policygateway.policy;

import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.compile.PolicyLimits;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Provides the one policy compiler of the service: {@link PolicyLimits#DEFAULTS}, the one source of
 * the limits' defaults (the CLI uses them too), with what {@code policy.limits.*} overrides.
 */
@ApplicationScoped
public class PolicyCompilerProducer {

  /**
   * The compiler (thread-safe; a singleton because the final class cannot be proxied).
   *
   * @throws IllegalStateException when the HTTP layer would refuse documents the limits admit
   */
  @Produces
  @Singleton
  PolicyCompiler compiler(
      PolicyConfig config,
      @ConfigProperty(name = "quarkus.http.limits.max-body-size")
          Optional<MemorySize> maxBodySize) {
    PolicyLimits limits = limits(config.limits());
    long httpLimit = maxBodySize.map(MemorySize::asLongValue).orElse(Long.MAX_VALUE);
    if (limits.maxBytes() > httpLimit) {
      // Otherwise an upload the compiler accepts would be cut off by the HTTP layer with a bare
      // 413: the API, the CLI and the compiler must agree on what a valid document is.
      throw new IllegalStateException(
          "policy.limits.max-document-bytes ("
              + limits.maxBytes()
              + ") is larger than quarkus.http.limits.max-body-size ("
              + httpLimit
              + "); raise the HTTP limit or lower the policy limit");
    }
    return new PolicyCompiler(limits);
  }

  /** The defaults with what the configuration sets. */
  static PolicyLimits limits(PolicyConfig.Limits l) {
    PolicyLimits d = PolicyLimits.DEFAULTS;
    return new PolicyLimits(
        l.maxDocumentBytes().orElse(d.maxBytes()),
        l.maxDepth().orElse(d.maxDepth()),
        l.maxNodes().orElse(d.maxNodes()),
        l.maxAliases().orElse(d.maxAliases()),
        l.maxRules().orElse(d.maxRules()),
        l.maxConditionLength().orElse(d.maxConditionLength()),
        l.maxConditionNodes().orElse(d.maxConditionNodes()),
        d.maxConditionParseDepth(),
        d.maxComprehensionNesting(),
        l.maxConditionIterations().orElse(d.maxConditionIterations()),
        l.maxCompileTime().orElse(d.maxCompileTime()));
  }
}
