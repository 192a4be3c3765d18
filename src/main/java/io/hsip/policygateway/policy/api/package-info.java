/**
 * The policy admin REST API: HTTP in, {@code PolicyLifecycle} or {@code PolicyCatalog} call, status
 * out.
 */
@NullMarked
package io.hsip.policygateway.policy.api;

import org.jspecify.annotations.NullMarked;
