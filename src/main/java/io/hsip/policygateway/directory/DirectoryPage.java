package io.hsip.policygateway.directory;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a directory list.
 *
 * @param items the entries, in the list's order
 * @param nextAfter pass as {@code after} for the next page (an opaque cursor); null on the last
 *     page
 * @param <T> the kind of entry
 */
public record DirectoryPage<T>(List<T> items, @Nullable String nextAfter) {
  /** Copies the items. */
  public DirectoryPage {
    items = List.copyOf(items);
  }
}
