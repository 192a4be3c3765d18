package io.hsip.policygateway.policy.catalog;

import org.jspecify.annotations.Nullable;

/**
 * What this replica enforces.
 *
 * @param policySet the configured live set
 * @param version the loaded version, or null when none is (every decision is then a deny)
 * @param digest its digest
 */
public record LiveView(String policySet, @Nullable Integer version, @Nullable String digest) {}
