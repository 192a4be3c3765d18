/**
 * Implementation details of the policy compiler: the YAML event reader, rule indexes, CEL glue. Not
 * for other features.
 */
@NullMarked
package io.hsip.policygateway.policy.compile.internal;

import org.jspecify.annotations.NullMarked;
