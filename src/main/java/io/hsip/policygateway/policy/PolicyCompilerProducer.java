package io.hsip.policygateway.policy;

import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.compile.PolicyLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Provides the one policy compiler of the service, with the configured limits. */
@ApplicationScoped
public class PolicyCompilerProducer {

  /** The compiler (thread-safe; a singleton because the final class cannot be proxied). */
  @Produces
  @Singleton
  PolicyCompiler compiler(PolicyConfig config) {
    PolicyConfig.Limits l = config.limits();
    PolicyLimits d = PolicyLimits.DEFAULTS;
    return new PolicyCompiler(
        new PolicyLimits(
            l.maxDocumentBytes(),
            l.maxDepth(),
            l.maxNodes(),
            l.maxAliases(),
            l.maxRules(),
            l.maxConditionLength(),
            l.maxConditionNodes(),
            d.maxConditionParseDepth(),
            d.maxComprehensionNesting(),
            l.maxConditionIterations(),
            l.maxCompileTime()));
  }
}
