package io.hsip.policygateway.cli;

import io.hsip.policygateway.cli.load.LoadReport;
import io.hsip.policygateway.cli.load.LoadSettings;
import io.hsip.policygateway.cli.load.LoadUsageException;
import io.hsip.policygateway.cli.load.Mix;
import io.hsip.policygateway.cli.load.RestLoad;
import io.hsip.policygateway.cli.load.Targets;
import io.hsip.policygateway.cli.load.UdpLoad;
import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code hsip load udp|rest}: a load generator for the gateway's two front doors
 * (docs/operations.md#load-testing).
 *
 * <p>Exit codes: 0 every answer as expected (or at most {@code --max-unexpected} not), 1 more
 * unexpected answers, 2 usage error (including a non-loopback target without {@code
 * --allow-non-loopback}), 3 the target was unreachable or answered nothing.
 */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description =
        "Load-test the UDP consent listener or the decision API with simulated peers (loopback only"
            + " unless --allow-non-loopback).",
    subcommands = {LoadCommand.Udp.class, LoadCommand.Rest.class})
final class LoadCommand {

  /** Most peers one run simulates (one thread each). */
  static final int MAX_PEERS = 4096;

  /** Most requests one run sends. */
  static final long MAX_COUNT = 1_000_000_000L;

  /** Longest run. */
  static final Duration MAX_DURATION = Duration.ofHours(24);

  /** How long a run lasts when neither --count nor --duration is given. */
  static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);

  /** How long a --count run may last at most when no --duration is given. */
  static final Duration COUNT_TIME_CAP = Duration.ofMinutes(10);

  /** Longest --warmup. */
  static final Duration MAX_WARMUP = Duration.ofMinutes(5);

  /** Most requests --presign holds in memory (about 1 KiB each). */
  static final long MAX_PRESIGNED = 200_000;

  /**
   * Longest --presign run: presigned requests carry the time they were signed, and a gateway calls
   * a request stale once it is older than its clock-skew window (60 s by default).
   */
  static final Duration PRESIGNED_TIME_CAP = Duration.ofSeconds(45);

  private LoadCommand() {}

  /** The options every load run takes. */
  static final class Common {
    @Option(
        names = "--peers",
        defaultValue = "8",
        description =
            "Concurrent simulated peers, each with its own key (default: ${DEFAULT-VALUE}).")
    int peers;

    @Option(
        names = "--count",
        description =
            "Stop after this many requests (replayed slots may add a priming request each).")
    @Nullable Long count;

    @Option(
        names = "--duration",
        converter = DurationConverter.class,
        description =
            "Stop starting requests after this long: 500ms, 30s, 5m, 1h (default 10s; with --count,"
                + " at most 10m).")
    @Nullable Duration duration;

    @Option(
        names = "--rate",
        description =
            "Open loop: requests per second in all, latency counted from each request's due time."
                + " Without it: closed loop, as fast as answers come.")
    @Nullable Double rate;

    @Option(
        names = "--mix",
        defaultValue = Mix.DEFAULT,
        description =
            "Weights of allow, deny, replayed, stale, bad-signature, malformed (default:"
                + " ${DEFAULT-VALUE}).")
    String mix;

    @Option(
        names = "--allow-purpose",
        defaultValue = "load.allow",
        description = "Purpose the target's policy allows (default: ${DEFAULT-VALUE}).")
    String allowPurpose;

    @Option(
        names = "--deny-purpose",
        defaultValue = "load.deny",
        description = "Purpose the target's policy denies (default: ${DEFAULT-VALUE}).")
    String denyPurpose;

    @Option(
        names = "--timeout-ms",
        defaultValue = "2000",
        description =
            "Wait this long for each answer and each handshake (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(
        names = "--stale-age-ms",
        defaultValue = "600000",
        description = "How old a stale request's ts_ms is (default: ${DEFAULT-VALUE}).")
    long staleAgeMs;

    @Option(
        names = "--request-ttl-ms",
        defaultValue = "60000",
        description = "Requests expire this long from now (default: ${DEFAULT-VALUE}).")
    long requestTtlMs;

    @Option(
        names = "--max-unexpected",
        defaultValue = "0",
        description =
            "Unexpected answers tolerated before the exit code is 1 (default: ${DEFAULT-VALUE}).")
    long maxUnexpected;

    @Option(
        names = "--presign",
        description =
            "Sign each peer's share of --count before the run, so the generator's signing does not"
                + " compete with the target for CPU (needs --count <= 200000; runs at most 45s).")
    boolean presign;

    @Option(
        names = "--warmup",
        converter = DurationConverter.class,
        description =
            "First run the same load this long, unmeasured, so code is compiled and connections"
                + " open (default: none; at most 5m).")
    @Nullable Duration warmup;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(
        names = "--allow-non-loopback",
        description = "Allow a target outside 127.0.0.0/8 and ::1 (never against others' systems).")
    boolean allowNonLoopback;

    LoadSettings settings() throws CliException {
      requireRange(peers, 1, MAX_PEERS, "--peers");
      if (count != null) {
        requireRange(count, 1, MAX_COUNT, "--count");
      }
      if (duration != null
          && (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0)) {
        throw new CliException(CliException.USAGE, "--duration must be positive and at most 24h");
      }
      if (rate != null && !(rate > 0 && rate <= 10_000_000)) {
        throw new CliException(CliException.USAGE, "--rate must be above 0 and at most 10000000");
      }
      requireRange(timeoutMs, 1, 60_000, "--timeout-ms");
      Duration warmFor = warmup == null ? Duration.ZERO : warmup;
      if (warmFor.compareTo(MAX_WARMUP) > 0) {
        throw new CliException(CliException.USAGE, "--warmup must be at most 5m");
      }
      requireRange(staleAgeMs, 1, 365L * 24 * 3600 * 1000, "--stale-age-ms");
      requireRange(requestTtlMs, 1, 24L * 3600 * 1000, "--request-ttl-ms");
      requireRange(maxUnexpected, 0, Long.MAX_VALUE, "--max-unexpected");
      Mix parsed;
      try {
        parsed = Mix.parse(mix);
      } catch (IllegalArgumentException e) {
        throw new CliException(CliException.USAGE, e.getMessage());
      }
      requirePurpose(allowPurpose, "--allow-purpose");
      requirePurpose(denyPurpose, "--deny-purpose");
      Duration runFor =
          duration != null ? duration : count != null ? COUNT_TIME_CAP : DEFAULT_DURATION;
      if (presign) {
        if (count == null || count > MAX_PRESIGNED) {
          throw new CliException(
              CliException.USAGE, "--presign needs --count of at most " + MAX_PRESIGNED);
        }
        if (duration != null && duration.compareTo(PRESIGNED_TIME_CAP) > 0) {
          throw new CliException(
              CliException.USAGE,
              "--presign runs at most 45s (presigned requests would turn stale at the gateway)");
        }
        runFor = duration != null ? duration : PRESIGNED_TIME_CAP;
      }
      return new LoadSettings(
          peers,
          count != null ? count : MAX_COUNT,
          runFor,
          rate,
          parsed,
          allowPurpose,
          denyPurpose,
          Duration.ofMillis(timeoutMs),
          Duration.ofMillis(staleAgeMs),
          Duration.ofMillis(requestTtlMs),
          maxUnexpected,
          presign,
          warmFor);
    }

    int print(CliCommand command, LoadReport report) {
      if (json) {
        report.printJson(command.out());
      } else {
        report.printText(command.out());
      }
      return report.exitCode();
    }
  }

  /** {@code load udp}. */
  @Command(
      name = "udp",
      mixinStandardHelpOptions = true,
      description =
          "Full handshakes and consent requests over UDP (CLI dialect) from simulated peers.")
  static final class Udp extends CliCommand {
    @Mixin Common common;

    @Option(
        names = "--to",
        required = true,
        description = "host:port of the listener, e.g. 127.0.0.1:40405.")
    String to;

    @Option(
        names = "--responder-pub",
        paramLabel = "HEX|FILE",
        description =
            "The listener's public key (64 hex, or a file holding it or the listener's key file):"
                + " verify every answer's signature.")
    @Nullable String responderPub;

    @Option(
        names = "--source-ips",
        defaultValue = "1",
        description = "Spread peers over 127.0.0.1..127.0.0.N (default: ${DEFAULT-VALUE}).")
    int sourceIps;

    @Option(
        names = "--requests-per-session",
        defaultValue = "1",
        description =
            "Requests per handshake; 1 is a new socket and handshake for each, like the reference"
                + " CLI (default: ${DEFAULT-VALUE}).")
    int requestsPerSession;

    @Option(
        names = "--malformed-wait-ms",
        defaultValue = "200",
        description =
            "How long a malformed request waits for the answer it must not get (default:"
                + " ${DEFAULT-VALUE}).")
    long malformedWaitMs;

    @Override
    public Integer call() throws CliException, InterruptedException {
      LoadSettings settings = common.settings();
      requireRange(requestsPerSession, 1, 1_000_000, "--requests-per-session");
      requireRange(malformedWaitMs, 1, 60_000, "--malformed-wait-ms");
      try {
        UdpLoad.Options options =
            new UdpLoad.Options(
                Targets.udp(to, common.allowNonLoopback),
                responderPub == null ? null : responderKey(responderPub),
                sourceIps,
                requestsPerSession,
                Duration.ofMillis(malformedWaitMs));
        return common.print(this, UdpLoad.run(settings, options, clock()));
      } catch (LoadUsageException e) {
        throw new CliException(CliException.USAGE, e.getMessage());
      }
    }
  }

  /** {@code load rest}. */
  @Command(
      name = "rest",
      mixinStandardHelpOptions = true,
      description = "Consent requests of simulated peers against POST /api/v1/decisions.")
  static final class Rest extends CliCommand {
    @Mixin Common common;

    @Option(
        names = "--url",
        defaultValue = "http://127.0.0.1:8080",
        description = "Base URL of the gateway (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(
        names = "--token-file",
        required = true,
        description = "File holding the bearer token of an hsip-daemon client.")
    Path tokenFile;

    @Option(
        names = "--target-peer-id",
        description = "Send this target_peer_id (the daemon's own identity); left out if absent.")
    @Nullable String targetPeerId;

    @Override
    public Integer call() throws CliException, InterruptedException {
      LoadSettings settings = common.settings();
      String token = CliFiles.readToken(tokenFile);
      try {
        RestLoad.Options options =
            new RestLoad.Options(Targets.rest(url, common.allowNonLoopback), token, targetPeerId);
        return common.print(this, RestLoad.run(settings, options, clock()));
      } catch (LoadUsageException e) {
        throw new CliException(CliException.USAGE, e.getMessage());
      }
    }
  }

  /** A public key as 64 hex, or a file holding the hex or a key file. */
  static Ed25519PublicKey responderKey(String value) throws CliException {
    if (LowerHex.isLowerHex(value.toLowerCase(Locale.ROOT), 32)) {
      return CliFiles.publicKey(value.toLowerCase(Locale.ROOT), "--responder-pub");
    }
    Path path = Path.of(value);
    String content = new String(CliFiles.read(path), StandardCharsets.UTF_8).strip();
    if (LowerHex.isLowerHex(content.toLowerCase(Locale.ROOT), 32)) {
      return CliFiles.publicKey(content.toLowerCase(Locale.ROOT), "--responder-pub");
    }
    SigningKey key = CliFiles.readKey(path);
    return key.publicKey();
  }

  private static void requireRange(long value, long min, long max, String option)
      throws CliException {
    if (value < min || value > max) {
      throw new CliException(
          CliException.USAGE,
          String.format(Locale.ROOT, "%s must be between %d and %d", option, min, max));
    }
  }

  private static void requirePurpose(String purpose, String option) throws CliException {
    try {
      // Signing a throwaway request applies exactly the rules a peer's request must meet.
      ConsentRequest.sign(
          SigningKey.fromSeed(new byte[32]), "0".repeat(64), purpose, 1, 0, new byte[12]);
    } catch (IllegalArgumentException e) {
      throw new CliException(CliException.USAGE, option + ": " + e.getMessage());
    }
  }

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or a number of seconds. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
      Matcher m = FORMAT.matcher(value.strip().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new TypeConversionException(
            "'" + value + "' is not a duration such as 500ms, 30s, 5m or 1h");
      }
      long amount = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      return switch (unit) {
        case "ms" -> Duration.ofMillis(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofSeconds(amount);
      };
    }
  }
}
