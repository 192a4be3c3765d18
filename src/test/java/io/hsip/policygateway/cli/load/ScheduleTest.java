package io.hsip.policygateway.cli.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Handing out slots: due times, the count and time bounds, and what an open loop plans. */
class ScheduleTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(5 * SECOND);

  @Test
  void openLoop_slotsAreDueAtStartPlusSlotOverRate() {
    Schedule schedule = new Schedule(now::get, SECOND, Long.MAX_VALUE, 1000.0);

    assertThat(schedule.dueNanos(0)).isEqualTo(5 * SECOND);
    assertThat(schedule.dueNanos(1)).isEqualTo(5 * SECOND + 1_000_000);
    assertThat(schedule.dueNanos(999)).isEqualTo(5 * SECOND + 999_000_000);
    // 3 per second: rounded to the nearest nanosecond, not truncated.
    Schedule thirds = new Schedule(now::get, SECOND, Long.MAX_VALUE, 3.0);
    assertThat(thirds.dueNanos(2)).isEqualTo(5 * SECOND + 666_666_667);
  }

  @Test
  void openLoop_handsOutOnlySlotsDueBeforeTheEnd_evenWhenTheClockStands() {
    Schedule schedule = new Schedule(now::get, SECOND, Long.MAX_VALUE, 1000.0);

    long taken = 0;
    while (schedule.take() >= 0) {
      taken++;
    }

    assertThat(taken).isEqualTo(1000);
    assertThat(schedule.planned()).isEqualTo(1000);
  }

  @Test
  void openLoop_lateSlotsAreStillHandedOut_soTheirWaitCountsAsLatency() {
    Schedule schedule = new Schedule(now::get, SECOND, Long.MAX_VALUE, 10.0);
    now.addAndGet(SECOND / 2); // half the run passed without anyone taking a slot

    assertThat(schedule.take()).isZero();
    assertThat(schedule.dueNanos(0))
        .isEqualTo(5 * SECOND); // due long ago: latency counts from here
  }

  @Test
  void count_boundsEitherLoop() {
    Schedule open = new Schedule(now::get, SECOND, 3, 1_000_000.0);
    Schedule closed = new Schedule(now::get, SECOND, 3, null);

    for (Schedule schedule : new Schedule[] {open, closed}) {
      assertThat(schedule.take()).isZero();
      assertThat(schedule.take()).isEqualTo(1);
      assertThat(schedule.take()).isEqualTo(2);
      assertThat(schedule.take()).isEqualTo(-1);
    }
    assertThat(open.planned()).isEqualTo(3);
  }

  @Test
  void closedLoop_endsWhenTheTimeIsUp() {
    Schedule schedule = new Schedule(now::get, SECOND, Long.MAX_VALUE, null);

    assertThat(schedule.take()).isZero();
    now.addAndGet(SECOND - 1);
    assertThat(schedule.take()).isEqualTo(1);
    now.addAndGet(1);
    assertThat(schedule.take()).isEqualTo(-1);
    assertThatThrownBy(() -> schedule.dueNanos(0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void stop_endsTheRunAtOnce() {
    Schedule schedule = new Schedule(now::get, SECOND, Long.MAX_VALUE, null);
    schedule.stop();

    assertThat(schedule.take()).isEqualTo(-1);
    assertThat(schedule.stoppedEarly()).isTrue();
  }
}
