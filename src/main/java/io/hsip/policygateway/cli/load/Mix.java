package io.hsip.policygateway.cli.load;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The share of each {@link LoadKind} in a run, as integer weights ({@code allow=70,deny=10,...}).
 *
 * <p>Kinds are dealt in a fixed order, smooth weighted round robin over one cycle of {@link
 * #cycleLength()} slots, not drawn at random: any {@code cycleLength} consecutive slots hold each
 * kind exactly its weight times, so a run of a whole number of cycles sends exactly the mix asked
 * for, and the kinds are spread evenly over time rather than bunched.
 */
public final class Mix {

  /** The default mix, as documented in docs/operations.md. */
  public static final String DEFAULT =
      "allow=70,deny=10,replayed=5,stale=5,bad-signature=5,malformed=5";

  /** Upper bound of the summed weights, so one cycle stays small. */
  public static final int MAX_TOTAL_WEIGHT = 10_000;

  private final Map<LoadKind, Integer> weights;
  private final LoadKind[] cycle;

  private Mix(Map<LoadKind, Integer> weights) {
    this.weights = Collections.unmodifiableMap(new EnumMap<>(weights));
    this.cycle = deal(weights);
  }

  /**
   * Parses {@code kind=weight,...}; kinds not named get weight 0.
   *
   * @throws IllegalArgumentException with a message fit for the user when the text is not a mix
   */
  public static Mix parse(String text) {
    Map<LoadKind, Integer> weights = new EnumMap<>(LoadKind.class);
    for (LoadKind kind : LoadKind.values()) {
      weights.put(kind, 0);
    }
    int total = 0;
    Set<LoadKind> named = EnumSet.noneOf(LoadKind.class);
    for (String part : text.split(",", -1)) {
      String item = part.strip();
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "--mix: \"" + item + "\" is not kind=weight (kinds: " + kinds() + ")");
      }
      String name = item.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      LoadKind kind =
          LoadKind.fromLabel(name)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--mix: unknown kind \"" + name + "\" (kinds: " + kinds() + ")"));
      if (!named.add(kind)) {
        throw new IllegalArgumentException("--mix: " + name + " is named twice");
      }
      int weight;
      try {
        weight = Integer.parseInt(item.substring(eq + 1).strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--mix: the weight of " + name + " must be a whole number", e);
      }
      if (weight < 0 || weight > MAX_TOTAL_WEIGHT) {
        throw new IllegalArgumentException(
            "--mix: the weight of " + name + " must be between 0 and " + MAX_TOTAL_WEIGHT);
      }
      weights.put(kind, weight);
      total += weight;
    }
    if (total == 0) {
      throw new IllegalArgumentException("--mix: at least one weight must be positive");
    }
    if (total > MAX_TOTAL_WEIGHT) {
      throw new IllegalArgumentException(
          "--mix: the weights must add up to at most " + MAX_TOTAL_WEIGHT);
    }
    return new Mix(weights);
  }

  /** The weight of each kind, zeros included. */
  public Map<LoadKind, Integer> weights() {
    return weights;
  }

  /** The number of slots after which the order of kinds repeats: the sum of the weights. */
  public int cycleLength() {
    return cycle.length;
  }

  /** The kind of the request in slot {@code slot} (0-based). */
  public LoadKind kindOf(long slot) {
    return cycle[(int) Math.floorMod(slot, (long) cycle.length)];
  }

  /** The mix as it would be written on the command line, zero weights left out. */
  @Override
  public String toString() {
    StringJoiner out = new StringJoiner(",");
    weights.forEach(
        (kind, weight) -> {
          if (weight > 0) {
            out.add(kind.label() + "=" + weight);
          }
        });
    return out.toString();
  }

  private static LoadKind[] deal(Map<LoadKind, Integer> weights) {
    int total = weights.values().stream().mapToInt(Integer::intValue).sum();
    LoadKind[] out = new LoadKind[total];
    Map<LoadKind, Integer> current = new EnumMap<>(LoadKind.class);
    weights.keySet().forEach(kind -> current.put(kind, 0));
    // Smooth weighted round robin: each step every kind gains its weight, the richest is dealt and
    // pays the total. Ties go to the kind declared first (allow before deny ...).
    for (int i = 0; i < total; i++) {
      LoadKind best = null;
      for (Map.Entry<LoadKind, Integer> entry : weights.entrySet()) {
        int gained = current.get(entry.getKey()) + entry.getValue();
        current.put(entry.getKey(), gained);
        if (entry.getValue() > 0 && (best == null || gained > current.get(best))) {
          best = entry.getKey();
        }
      }
      current.put(best, current.get(best) - total);
      out[i] = best;
    }
    return out;
  }

  private static String kinds() {
    StringJoiner out = new StringJoiner(", ");
    for (LoadKind kind : LoadKind.values()) {
      out.add(kind.label());
    }
    return out.toString();
  }
}
