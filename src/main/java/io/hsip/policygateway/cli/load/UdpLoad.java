package io.hsip.policygateway.cli.load;

import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** {@code hsip load udp}: simulated peers against an HSIP UDP consent listener. */
public final class UdpLoad {

  /** Most source addresses a run may spread its peers over: 127.0.0.1 to 127.0.0.254. */
  public static final int MAX_SOURCE_IPS = 254;

  private UdpLoad() {}

  /**
   * What only a UDP run is told.
   *
   * @param to the listener (checked by {@link Targets#udp})
   * @param responder the listener's key, to verify every answer's signature; null not to verify
   * @param sourceIps peer {@code i} sends from 127.0.0.(1 + i mod sourceIps); 1 lets the system
   *     choose
   * @param requestsPerSession requests sent on one session before a new socket and handshake
   * @param malformedWait how long a malformed request waits for the answer it must not get
   */
  public record Options(
      InetSocketAddress to,
      @Nullable Ed25519PublicKey responder,
      int sourceIps,
      int requestsPerSession,
      Duration malformedWait) {}

  /** Runs the load and returns its report. */
  public static LoadReport run(LoadSettings settings, Options options, Clock clock)
      throws LoadUsageException, InterruptedException {
    if (options.sourceIps() < 1 || options.sourceIps() > MAX_SOURCE_IPS) {
      throw new LoadUsageException("--source-ips must be 1-" + MAX_SOURCE_IPS);
    }
    InetAddress target = options.to().getAddress();
    if (options.sourceIps() > 1
        && !(target instanceof Inet4Address && target.isLoopbackAddress())) {
      throw new LoadUsageException(
          "--source-ips above 1 needs an IPv4 loopback target (sources are 127.0.0.1-N)");
    }
    if (options.requestsPerSession() < 1) {
      throw new LoadUsageException("--requests-per-session must be at least 1");
    }
    PeerLink.Factory links =
        (index, late) ->
            new UdpLink(
                options.to(),
                source(index, options.sourceIps()),
                settings.timeout(),
                options.malformedWait(),
                options.requestsPerSession(),
                options.responder(),
                new SecureRandom(),
                late);
    String host = target.getHostAddress();
    String shown =
        (target instanceof Inet4Address ? host : "[" + host + "]") + ":" + options.to().getPort();
    return new LoadRun(LoadKind.Transport.UDP, shown, settings, links, clock).run();
  }

  /** Where peer {@code index} sends from; null for the system's choice. */
  static @Nullable InetSocketAddress source(int index, int sourceIps) {
    if (sourceIps == 1) {
      return null;
    }
    byte[] address = {127, 0, 0, (byte) (1 + index % sourceIps)};
    try {
      return new InetSocketAddress(InetAddress.getByAddress(address), 0);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4-byte address is always valid", e);
    }
  }
}
