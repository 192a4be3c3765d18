package io.hsip.policygateway.cli.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One simulated peer against the decision API ({@code POST /api/v1/decisions}): its requests,
 * signed with its own key, in the body the contract defines, one at a time on a client shared by
 * all peers (so at most one connection per peer).
 */
final class RestLink implements PeerLink {

  private final HttpClient client;
  private final URI decisions;
  private final String authorization;
  private final @Nullable String targetPeerIdJson;
  private final Duration timeout;

  /**
   * @param targetPeerIdJson the {@code target_peer_id} as a JSON string literal, or null to leave
   *     the member out
   */
  RestLink(
      HttpClient client,
      URI decisions,
      String authorization,
      @Nullable String targetPeerIdJson,
      Duration timeout) {
    this.client = client;
    this.decisions = decisions;
    this.authorization = authorization;
    this.targetPeerIdJson = targetPeerIdJson;
    this.timeout = timeout;
  }

  /** The request body of the decision API for {@code request}. */
  static String body(ConsentRequest request, @Nullable String targetPeerIdJson) {
    StringBuilder body = new StringBuilder(640).append("{\"request\":").append(request.toJson());
    if (targetPeerIdJson != null) {
      body.append(",\"target_peer_id\":").append(targetPeerIdJson);
    }
    return body.append('}').toString();
  }

  @Override
  public Outcome exchange(LoadKind kind, ConsentRequest request) {
    String body = body(request, targetPeerIdJson);
    if (kind == LoadKind.MALFORMED) {
      body = body.substring(0, body.length() / 2); // not JSON any more
    }
    HttpRequest http =
        HttpRequest.newBuilder(decisions)
            .timeout(timeout)
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<byte[]> response;
    try {
      response = client.send(http, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      return Outcome.noAnswer();
    } catch (ConnectException e) {
      return Outcome.error("unreachable");
    } catch (IOException e) {
      return Outcome.error("io");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.error("interrupted");
    }
    if (response.statusCode() != 200) {
      return Outcome.http(response.statusCode());
    }
    return decision(response.body());
  }

  /** The outcome a 200 body states: its {@code effect} and {@code reason}. */
  static Outcome decision(byte[] body) {
    JsonNode json;
    try {
      json = ObjectMappers.standard().readTree(body);
    } catch (IOException e) {
      return Outcome.error("invalid_answer");
    }
    JsonNode reasonNode = json == null ? null : json.get("reason");
    String reason = reasonNode != null && reasonNode.isTextual() ? reasonNode.asText() : null;
    String effect = json == null ? "" : json.path("effect").asText("");
    return switch (effect) {
      case "allow" -> Outcome.allow(reason);
      case "deny" -> Outcome.deny(reason);
      default -> Outcome.error("invalid_answer");
    };
  }

  @Override
  public void close() {
    // The client is shared and closed by the run.
  }
}
