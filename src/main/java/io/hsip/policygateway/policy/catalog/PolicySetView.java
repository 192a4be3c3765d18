package io.hsip.policygateway.policy.catalog;

import java.time.Instant;

/**
 * A policy set and the version in force.
 *
 * @param policySet set
 * @param version latest version
 * @param digest its digest
 * @param publishedBy its publisher
 * @param publishedAt when
 * @param pendingApprovals publications waiting for a second admin
 * @param live whether this replica enforces this set
 */
public record PolicySetView(
    String policySet,
    int version,
    String digest,
    String publishedBy,
    Instant publishedAt,
    long pendingApprovals,
    boolean live) {}
