/**
 * Who the gateway is (its Ed25519 signing key) and, later, who its administrators and members are.
 */
@NullMarked
package io.hsip.policygateway.identity;

import org.jspecify.annotations.NullMarked;
