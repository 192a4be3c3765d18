package io.hsip.policygateway.directory;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A page of services.
 *
 * @param items the services, in the list's order
 * @param nextAfter pass as {@code after} for the next page (an opaque cursor); null on the last
 *     page
 */
public record ServicePage(List<ServiceEntry> items, @Nullable String nextAfter) {
  /** Copies the items. */
  public ServicePage {
    items = List.copyOf(items);
  }
}
