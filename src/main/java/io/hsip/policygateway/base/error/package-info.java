/** The one HTTP error model: RFC 9457 {@code application/problem+json}. */
@NullMarked
package io.hsip.policygateway.base.error;

import org.jspecify.annotations.NullMarked;
