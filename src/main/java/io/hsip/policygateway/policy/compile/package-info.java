/**
 * Reads policy documents (YAML within limits, the published JSON Schema, CEL), compiles them to an
 * indexed evaluator, lints and diffs them.
 */
@NullMarked
package io.hsip.policygateway.policy.compile;

import org.jspecify.annotations.NullMarked;
