package io.hsip.policygateway.policy.api;

import jakarta.validation.constraints.Positive;

/**
 * A rollback request.
 *
 * @param toVersion the earlier version to publish again
 */
public record RollbackRequest(@Positive int toVersion) {}
