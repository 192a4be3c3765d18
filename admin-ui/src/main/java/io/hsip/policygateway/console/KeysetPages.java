package io.hsip.policygateway.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Serves a lazy grid's (offset, limit) requests from a keyset-paged source without ever asking the
 * database for an offset: remembers the keyset cursor at each offset it has reached, and continues
 * from the nearest one. A grid scrolls forward, so each request costs one keyset page.
 *
 * @param <T> the row type
 * @param <C> the cursor type (an audit sequence number, a directory page token)
 */
final class KeysetPages<T, C> {

  /** One page of the source. */
  record Page<T, C>(List<T> rows, @Nullable C next) {}

  /** Fetches up to {@code limit} rows after {@code cursor} (null: from the start). */
  @FunctionalInterface
  interface Source<T, C> {
    Page<T, C> fetch(@Nullable C cursor, int limit);
  }

  private final Source<T, C> source;
  private final Function<T, C> key;

  /** Offset → the cursor that continues there; offset 0 has a null cursor. */
  private final TreeMap<Integer, C> cursors = new TreeMap<>();

  private final int pageSize;
  private boolean exhausted;
  private int known;

  /**
   * @param key the cursor that continues after a row, as the source would return it after that row
   */
  KeysetPages(Source<T, C> source, Function<T, C> key, int pageSize) {
    this.source = source;
    this.key = key;
    this.pageSize = pageSize;
  }

  /** The rows at [offset, offset + limit), fewer at the end. */
  List<T> rows(int offset, int limit) {
    int start = 0;
    @Nullable C cursor = null;
    Map.Entry<Integer, C> nearest = cursors.floorEntry(offset);
    if (nearest != null) {
      start = nearest.getKey();
      cursor = nearest.getValue();
    }
    // A data view may ask for everything (limit Integer.MAX_VALUE): size the list by what comes.
    List<T> out = new ArrayList<>(Math.min(limit, pageSize));
    int position = start;
    while (out.size() < limit) {
      Page<T, C> page =
          source.fetch(cursor, Math.min(pageSize, Math.max(limit, offset - position + limit)));
      for (T row : page.rows()) {
        if (position >= offset && out.size() < limit) {
          out.add(row);
        }
        position++;
        cursors.put(position, key.apply(row));
      }
      known = Math.max(known, position);
      if (page.next() == null || page.rows().isEmpty()) {
        exhausted = true;
        break;
      }
      cursor = page.next();
    }
    return out;
  }

  /** Whether the end of the source has been reached, and so {@link #known()} is the total. */
  boolean exhausted() {
    return exhausted;
  }

  /** How many rows have been seen so far. */
  int known() {
    return known;
  }
}
