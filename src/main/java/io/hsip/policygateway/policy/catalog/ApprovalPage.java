package io.hsip.policygateway.policy.catalog;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A page of approval requests.
 *
 * @param approvals oldest request first (ties by id)
 * @param nextAfter pass as {@code after} for the next page (an opaque cursor); null on the last
 *     page
 */
public record ApprovalPage(List<ApprovalView> approvals, @Nullable String nextAfter) {}
