package io.hsip.policygateway.directory;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A page of groups.
 *
 * @param items the groups, in the list's order
 * @param nextAfter pass as {@code after} for the next page (an opaque cursor); null on the last
 *     page
 */
public record GroupPage(List<GroupEntry> items, @Nullable String nextAfter) {
  /** Copies the items. */
  public GroupPage {
    items = List.copyOf(items);
  }
}
