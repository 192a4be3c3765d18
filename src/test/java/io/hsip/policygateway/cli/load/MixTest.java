package io.hsip.policygateway.cli.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing a mix and dealing its kinds. */
class MixTest {

  @Test
  void from_default_givesTheDocumentedWeights() {
    Mix mix = Mix.parse(Mix.DEFAULT);

    assertThat(mix.weights())
        .containsEntry(LoadKind.ALLOW, 70)
        .containsEntry(LoadKind.DENY, 10)
        .containsEntry(LoadKind.REPLAYED, 5)
        .containsEntry(LoadKind.STALE, 5)
        .containsEntry(LoadKind.BAD_SIGNATURE, 5)
        .containsEntry(LoadKind.MALFORMED, 5);
    assertThat(mix.cycleLength()).isEqualTo(100);
    assertThat(mix).hasToString(Mix.DEFAULT);
  }

  @Test
  void anyWholeCycle_holdsEachKindExactlyItsWeight() {
    Mix mix = Mix.parse("allow=7, deny=2,malformed=1");

    for (long offset : new long[] {0, 3, 1_000_003}) {
      Map<LoadKind, Integer> seen = new EnumMap<>(LoadKind.class);
      for (long slot = offset; slot < offset + mix.cycleLength(); slot++) {
        seen.merge(mix.kindOf(slot), 1, Integer::sum);
      }
      assertThat(seen)
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(LoadKind.ALLOW, 7, LoadKind.DENY, 2, LoadKind.MALFORMED, 1));
    }
  }

  @Test
  void kinds_areSpreadNotBunched() {
    Mix mix = Mix.parse("allow=1,deny=1");

    assertThat(mix.kindOf(0)).isEqualTo(LoadKind.ALLOW);
    assertThat(mix.kindOf(1)).isEqualTo(LoadKind.DENY);
    assertThat(mix.kindOf(2)).isEqualTo(LoadKind.ALLOW);
    // The heavy kind never runs more than its share ahead: allow=70 of 100 means no run of
    // minority kinds longer than one.
    Mix standard = Mix.parse(Mix.DEFAULT);
    for (int slot = 0; slot < 99; slot++) {
      assertThat(
              standard.kindOf(slot) != LoadKind.ALLOW
                  && standard.kindOf(slot + 1) != LoadKind.ALLOW)
          .as("slots %d and %d both minority kinds", slot, slot + 1)
          .isFalse();
    }
  }

  @Test
  void from_oneKind_sendsOnlyThatKind() {
    Mix mix = Mix.parse("replayed=3");

    assertThat(mix.cycleLength()).isEqualTo(3);
    assertThat(mix.kindOf(2)).isEqualTo(LoadKind.REPLAYED);
    assertThat(mix.weights()).containsEntry(LoadKind.ALLOW, 0);
  }

  @Test
  void from_errors_sayWhatIsWrong() {
    assertThatThrownBy(() -> Mix.parse("allow=70,nonsense=3"))
        .hasMessageStartingWith("--mix: unknown kind \"nonsense\" (kinds: allow, deny, replayed");
    assertThatThrownBy(() -> Mix.parse("allow=1,allow=2"))
        .hasMessage("--mix: allow is named twice");
    assertThatThrownBy(() -> Mix.parse("allow=0,deny=0"))
        .hasMessage("--mix: at least one weight must be positive");
    assertThatThrownBy(() -> Mix.parse("allow=-1"))
        .hasMessage("--mix: the weight of allow must be between 0 and 10000");
    assertThatThrownBy(() -> Mix.parse("allow=x"))
        .hasMessage("--mix: the weight of allow must be a whole number");
    assertThatThrownBy(() -> Mix.parse("allow"))
        .hasMessageStartingWith("--mix: \"allow\" is not kind=weight");
    assertThatThrownBy(() -> Mix.parse("allow=6000,deny=6000"))
        .hasMessage("--mix: the weights must add up to at most 10000");
  }
}
