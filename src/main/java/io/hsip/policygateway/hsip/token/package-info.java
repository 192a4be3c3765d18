/**
 * HSIP tokens: the CLI capability token (hsip-protocol.md §4.1), the device-local EdDSA JWT (§4.2) and
 * the identity broker's HS256 demo JWT (§4.4), each read strictly and verified with the checks the
 * reference skips.
 */
@NullMarked
package io.hsip.policygateway.hsip.token;

import org.jspecify.annotations.NullMarked;
