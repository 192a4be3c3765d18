/**
 * Consent policies: configuration; the language in model, the compiler and evaluator in compile,
 * test suites in suite, versions and the admin API in lifecycle, hot reload in live.
 */
@NullMarked
package io.hsip.policygateway.policy;

import org.jspecify.annotations.NullMarked;
