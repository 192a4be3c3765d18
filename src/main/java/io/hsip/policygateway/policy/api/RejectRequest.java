package io.hsip.policygateway.policy.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * A rejection of a pending publication.
 *
 * @param reason why, for the requester and the audit log
 */
public record RejectRequest(@NotBlank @Size(max = 1000) String reason) {}
