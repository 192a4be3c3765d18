/** Enforcement: replay protection now; the UDP listener, decision API and pipeline as they land. */
@NullMarked
package io.hsip.policygateway.gateway;

import org.jspecify.annotations.NullMarked;
