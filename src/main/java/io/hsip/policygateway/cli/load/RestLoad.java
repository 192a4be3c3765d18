package io.hsip.policygateway.cli.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/** {@code hsip load rest}: simulated peers' requests against the decision API. */
public final class RestLoad {

  /** The decision API's path below the base URL. */
  public static final String DECISIONS_PATH = "/api/v1/decisions";

  private RestLoad() {}

  /**
   * What only a REST run is told.
   *
   * @param url the gateway's base URL (checked by {@link Targets#rest})
   * @param token the bearer token of a daemon client
   * @param targetPeerId the {@code target_peer_id} to send, or null to leave it out
   */
  public record Options(URI url, String token, @Nullable String targetPeerId) {

    @Override
    public String toString() {
      return "Options[url=" + url + ", token redacted, targetPeerId=" + targetPeerId + "]";
    }
  }

  /** Runs the load and returns its report. */
  public static LoadReport run(LoadSettings settings, Options options, Clock clock)
      throws InterruptedException {
    URI decisions = decisionsUri(options.url());
    String targetJson = options.targetPeerId() == null ? null : quoted(options.targetPeerId());
    String authorization = "Bearer " + options.token();
    // Peers send one request at a time, so there are at most --peers requests (and connections)
    // open; the client's own work (selector callbacks, body handling) gets a small fixed pool.
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(settings.peers(), Math.max(2, Runtime.getRuntime().availableProcessors())),
            Thread.ofPlatform().name("hsip-load-http-", 0).daemon(true).factory());
    try (HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(pool)
            .build()) {
      PeerLink.Factory links =
          (index, late) ->
              new RestLink(client, decisions, authorization, targetJson, settings.timeout());
      return new LoadRun(LoadKind.Transport.REST, decisions.toString(), settings, links, clock)
          .run();
    } finally {
      pool.shutdownNow();
    }
  }

  /** The decision endpoint under {@code base}, whether or not the base ends with a slash. */
  static URI decisionsUri(URI base) {
    String text = base.toString();
    return URI.create(
        (text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + DECISIONS_PATH);
  }

  private static String quoted(String value) {
    try {
      return ObjectMappers.standard().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string always serialises", e);
    }
  }
}
