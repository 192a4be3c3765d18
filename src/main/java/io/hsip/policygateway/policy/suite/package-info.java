/**
 * Policy test suites (policies/tests/*.yaml): requests with expected effect, TTL and rules, run by
 * mvn test and the CLI.
 */
@NullMarked
package io.hsip.policygateway.policy.suite;

import org.jspecify.annotations.NullMarked;
