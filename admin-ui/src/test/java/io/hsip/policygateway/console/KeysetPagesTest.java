package io.hsip.policygateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Offset requests of a lazy grid served from keyset pages, never by offset. */
class KeysetPagesTest {

  /** Rows 1000, 999, …, 1 (newest first), paged by "before" like the audit search. */
  private final List<Long> cursorsAsked = new ArrayList<>();

  private final KeysetPages<Long, Long> pages =
      new KeysetPages<>(
          (before, limit) -> {
            cursorsAsked.add(before);
            long top = before == null ? 1000 : before - 1;
            List<Long> rows =
                LongStream.iterate(top, s -> s >= 1 && s > top - limit, s -> s - 1)
                    .boxed()
                    .toList();
            Long next =
                rows.isEmpty() || rows.get(rows.size() - 1) == 1 ? null : rows.get(rows.size() - 1);
            return new KeysetPages.Page<>(rows, next);
          },
          Long::longValue,
          100);

  @Test
  void scrollingForwardCostsOnePagePerRequest() {
    assertThat(pages.rows(0, 50)).first().isEqualTo(1000L);
    assertThat(pages.rows(50, 50)).first().isEqualTo(950L);
    assertThat(pages.rows(100, 50))
        .containsExactlyElementsOf(
            LongStream.iterate(900, s -> s >= 851, s -> s - 1).boxed().toList());
    // Each request continued from the cursor the previous one left: no walk from the start.
    assertThat(cursorsAsked).containsExactly(null, 951L, 901L);
  }

  @Test
  void theEndIsReachedAndCounted() {
    assertThat(pages.rows(990, 50)).hasSize(10).last().isEqualTo(1L);
    assertThat(pages.exhausted()).isTrue();
    assertThat(pages.known()).isEqualTo(1000);
  }

  @Test
  void aRequestBackwardsStartsFromTheNearestKnownCursor() {
    pages.rows(0, 50);
    pages.rows(50, 50);
    cursorsAsked.clear();
    assertThat(pages.rows(20, 10)).first().isEqualTo(980L);
    assertThat(cursorsAsked).containsExactly(981L);
  }
}
