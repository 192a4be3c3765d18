/**
 * The policy each replica enforces, reloaded within a second of a publish (LISTEN/NOTIFY plus a
 * periodic check).
 */
@NullMarked
package io.hsip.policygateway.policy.live;

import org.jspecify.annotations.NullMarked;
