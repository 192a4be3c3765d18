package io.hsip.policygateway.directory;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A page of members.
 *
 * @param items the members, in the list's order
 * @param nextAfter pass as {@code after} for the next page (an opaque cursor); null on the last
 *     page
 */
public record MemberPage(List<MemberEntry> items, @Nullable String nextAfter) {
  /** Copies the items. */
  public MemberPage {
    items = List.copyOf(items);
  }
}
