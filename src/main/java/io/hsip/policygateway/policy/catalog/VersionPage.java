package io.hsip.policygateway.policy.catalog;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A page of a set's versions.
 *
 * @param versions newest (highest number) first, without documents
 * @param nextBefore pass as {@code before} for the next page (a version number); null on the last
 *     page
 */
public record VersionPage(List<VersionView> versions, @Nullable Integer nextBefore) {}
