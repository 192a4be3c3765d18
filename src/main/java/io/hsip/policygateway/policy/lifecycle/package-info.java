/**
 * Policy sets in PostgreSQL, the write side: drafts, immutable published versions, approvals, admin
 * events, and {@code PolicyLifecycle}, which changes them. Reads for the API and the console go
 * through {@code policy.catalog}.
 */
@NullMarked
package io.hsip.policygateway.policy.lifecycle;

import org.jspecify.annotations.NullMarked;
