package io.hsip.policygateway.policy.api;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The window of an impact analysis; both ends optional.
 *
 * @param from start (inclusive); default {@code policy.impact.default-window} (7 days) before
 *     {@code to}
 * @param to end (exclusive); default now
 */
public record ImpactRequest(@Nullable Instant from, @Nullable Instant to) {}
