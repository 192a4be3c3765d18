/** Shared foundations that depend on no feature: the error model and the clock. */
@NullMarked
package io.hsip.policygateway.base;

import org.jspecify.annotations.NullMarked;
