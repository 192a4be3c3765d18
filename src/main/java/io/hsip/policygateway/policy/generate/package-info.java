/**
 * Synthetic organisations of any size: policy documents and request streams for scale benchmarks,
 * capacity tests and trying the gateway out ({@code hsip policy generate}).
 */
@NullMarked
package io.hsip.policygateway.policy.generate;

import org.jspecify.annotations.NullMarked;
