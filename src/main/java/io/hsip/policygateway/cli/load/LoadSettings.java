package io.hsip.policygateway.cli.load;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What every load run is told, whatever it talks to.
 *
 * @param peers simulated peers, each with its own key, running concurrently
 * @param count requests to send at most
 * @param duration how long requests are started
 * @param rate requests per second in all (open loop), or null for closed loop
 * @param mix the share of each kind of request
 * @param allowPurpose the purpose of allow (and stale, bad-signature, malformed) requests
 * @param denyPurpose the purpose of deny requests
 * @param timeout how long to wait for each answer (and each handshake)
 * @param staleAge how far in the past a stale request's {@code ts_ms} lies
 * @param requestLifetime how long after its {@code ts_ms} a request expires
 * @param maxUnexpected how many unexpected answers a run may see and still succeed
 * @param presign whether each peer signs its share of the requests before the run starts
 * @param warmup how long to run the same load first, unmeasured (zero for none), so that both the
 *     generator's and the target's code is compiled and their connections open before measuring
 */
public record LoadSettings(
    int peers,
    long count,
    Duration duration,
    @Nullable Double rate,
    Mix mix,
    String allowPurpose,
    String denyPurpose,
    Duration timeout,
    Duration staleAge,
    Duration requestLifetime,
    long maxUnexpected,
    boolean presign,
    Duration warmup) {

  /** Validates the settings; the command line checks ranges first, with its own messages. */
  public LoadSettings {
    if (peers < 1
        || count < 1
        || duration.isNegative()
        || duration.isZero()
        || (rate != null && !(rate > 0))
        || timeout.isNegative()
        || timeout.isZero()
        || staleAge.isNegative()
        || requestLifetime.isNegative()
        || requestLifetime.isZero()
        || maxUnexpected < 0
        || warmup.isNegative()) {
      throw new IllegalArgumentException("load settings out of range");
    }
  }

  /** "closed loop" or "open loop at R/s", and ", presigned" when so. */
  public String loop() {
    String loop =
        rate == null ? "closed loop" : String.format(Locale.ROOT, "open loop at %.0f/s", rate);
    if (presign) {
      loop += ", presigned";
    }
    if (!warmup.isZero()) {
      loop += String.format(Locale.ROOT, ", after %.1fs warm-up", warmup.toMillis() / 1000.0);
    }
    return loop;
  }

  /**
   * The settings of the warm-up: the same load for {@link #warmup()}, neither presigned nor
   * counted.
   */
  public LoadSettings forWarmup() {
    return new LoadSettings(
        peers,
        Long.MAX_VALUE,
        warmup,
        rate,
        mix,
        allowPurpose,
        denyPurpose,
        timeout,
        staleAge,
        requestLifetime,
        Long.MAX_VALUE,
        false,
        Duration.ZERO);
  }

  /**
   * How many requests of each kind one peer presigns: its even share of {@link #count()} and a
   * tenth more, as peers take slots as they come; a peer that runs out signs on the fly.
   */
  public Map<LoadKind, Long> presignShare() {
    Map<LoadKind, Long> share = new EnumMap<>(LoadKind.class);
    int total = mix.cycleLength();
    mix.weights()
        .forEach(
            (kind, weight) -> {
              if (weight > 0) {
                double even = (double) count * weight / total / peers;
                share.put(kind, (long) Math.ceil(even * 1.1) + 2);
              }
            });
    return share;
  }
}
