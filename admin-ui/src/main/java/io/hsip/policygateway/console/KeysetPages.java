package io.hsip.policygateway.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Serves a lazy grid's (offset, limit) requests from a keyset-paged source without ever asking the
 * database for an offset: remembers the keyset cursor at each offset it has reached, and continues
 * from the nearest one. A grid scrolls forward, so each request costs one keyset page.
 *
 * @param <T> the row type
 */
final class KeysetPages<T> {

  /** One page of the source. */
  record Page<T>(List<T> rows, @Nullable Long next) {}

  /** Fetches up to {@code limit} rows after {@code cursor} (null: from the start). */
  @FunctionalInterface
  interface Source<T> {
    Page<T> fetch(@Nullable Long cursor, int limit);
  }

  private final Source<T> source;
  private final ToLongFunction<T> key;

  /** Offset → the cursor that continues there; offset 0 has a null cursor. */
  private final TreeMap<Integer, Long> cursors = new TreeMap<>();

  private final int pageSize;
  private boolean exhausted;
  private int known;

  KeysetPages(Source<T> source, ToLongFunction<T> key, int pageSize) {
    this.source = source;
    this.key = key;
    this.pageSize = pageSize;
  }

  /** The rows at [offset, offset + limit), fewer at the end. */
  List<T> rows(int offset, int limit) {
    int start = 0;
    @Nullable Long cursor = null;
    Map.Entry<Integer, Long> nearest = cursors.floorEntry(offset);
    if (nearest != null) {
      start = nearest.getKey();
      cursor = nearest.getValue();
    }
    List<T> out = new ArrayList<>(limit);
    int position = start;
    while (out.size() < limit) {
      Page<T> page =
          source.fetch(cursor, Math.min(pageSize, Math.max(limit, offset - position + limit)));
      for (T row : page.rows()) {
        if (position >= offset && out.size() < limit) {
          out.add(row);
        }
        position++;
        cursors.put(position, key.applyAsLong(row));
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
