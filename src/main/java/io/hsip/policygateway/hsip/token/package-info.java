/**
 * HSIP tokens: the CLI capability token, the device-local EdDSA JWT and the identity broker's HS256
 * demo JWT (docs/protocol.md#capability-tokens and the sections after it), each read strictly and
 * verified with the checks the reference skips.
 */
@NullMarked
package io.hsip.policygateway.hsip.token;

import org.jspecify.annotations.NullMarked;
