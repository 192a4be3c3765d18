package io.hsip.policygateway.policy.catalog;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A page of drafts.
 *
 * @param drafts most recently edited first (ties by id), without documents
 * @param nextBefore pass as {@code before} for the next page (an opaque cursor); null on the last
 *     page
 */
public record DraftPage(List<DraftView> drafts, @Nullable String nextBefore) {}
