/**
 * Shared foundations that depend on no feature: the error model, the clock and wire-named enums.
 */
@NullMarked
package io.hsip.policygateway.base;

import org.jspecify.annotations.NullMarked;
