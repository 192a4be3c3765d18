package io.hsip.policygateway.cli.load;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where a load run may send: only to this machine (127.0.0.0/8, ::1, or a name that resolves only
 * to those) unless the operator says {@code --allow-non-loopback}. A load generator pointed at
 * someone else's address by a typo is a denial-of-service tool.
 */
public final class Targets {

  private Targets() {}

  /**
   * The UDP target {@code host:port} ({@code [::1]:port} for IPv6), resolved; an IPv4 address is
   * preferred when the name has both.
   */
  public static InetSocketAddress udp(String hostPort, boolean allowNonLoopback)
      throws LoadUsageException {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new LoadUsageException("--to must be host:port, e.g. 127.0.0.1:40405");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new LoadUsageException("--to: the port must be a number");
    }
    if (port < 1 || port > 65_535) {
      throw new LoadUsageException("--to: the port must be 1-65535");
    }
    InetAddress[] addresses = resolve(host, "--to");
    requireLoopback(host, addresses, allowNonLoopback, "--to");
    InetAddress chosen =
        Arrays.stream(addresses)
            .filter(Inet4Address.class::isInstance)
            .findFirst()
            .orElse(addresses[0]);
    return new InetSocketAddress(chosen, port);
  }

  /** The decision API's base URL ({@code http://127.0.0.1:8080}), checked. */
  public static URI rest(String url, boolean allowNonLoopback) throws LoadUsageException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new LoadUsageException("--url is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new LoadUsageException("--url must be http:// or https://");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new LoadUsageException("--url has no host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    requireLoopback(host, resolve(host, "--url"), allowNonLoopback, "--url");
    return uri;
  }

  /**
   * Refuses unless every address of {@code host} is a loopback address or the operator allowed
   * others; a name with one loopback and one public address is refused (the client may use either).
   */
  static void requireLoopback(
      String host, InetAddress[] addresses, boolean allowNonLoopback, String option)
      throws LoadUsageException {
    if (allowNonLoopback) {
      return;
    }
    for (InetAddress address : addresses) {
      if (!address.isLoopbackAddress()) {
        throw new LoadUsageException(
            option
                + ": "
                + host
                + " is not a loopback address (127.0.0.0/8, ::1); a load test sends only to this"
                + " machine unless --allow-non-loopback is given");
      }
    }
  }

  private static InetAddress[] resolve(String host, String option) throws LoadUsageException {
    try {
      return InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new LoadUsageException(option + ": cannot resolve " + host);
    }
  }
}
