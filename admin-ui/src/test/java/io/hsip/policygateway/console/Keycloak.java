package io.hsip.policygateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The real Keycloak the browser tests sign in with, as {@code bash .ci/keycloak start} runs it (the
 * realm of src/main/keycloak/hsip-realm.json). Its address and the generated client secrets come
 * from the environment that {@code .ci/keycloak env} prints, which {@code .ci/test} exports.
 */
final class Keycloak {

  static final String DEFAULT_URL = "http://127.0.0.1:8180/realms/hsip";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private Keycloak() {}

  /** The realm's issuer URL. */
  static String realmUrl() {
    String url = System.getenv("HSIP_OIDC_URL");
    return url == null || url.isBlank() ? DEFAULT_URL : url;
  }

  /** A variable {@code .ci/keycloak env} exports; fails with how to get it when it is missing. */
  static String required(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          variable
              + " is not set: the console tests need the project's Keycloak. Run them with bash"
              + " .ci/test, or start it with bash .ci/keycloak start and eval \"$(bash .ci/keycloak"
              + " env)\" first.");
    }
    return value;
  }

  /** Fails with a clear message when the realm does not answer. */
  static void requireRunning() throws InterruptedException {
    try {
      HttpResponse<String> discovery =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(realmUrl() + "/.well-known/openid-configuration"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (discovery.statusCode() != 200) {
        throw new IllegalStateException(
            realmUrl() + " answered " + discovery.statusCode() + ": is the hsip realm imported?");
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "Keycloak does not answer at "
              + realmUrl()
              + " ("
              + e
              + "). Start it with bash .ci/keycloak start (bash .ci/test does).",
          e);
    }
  }

  /** An access token for a demo user (password grant of the tests-only public client). */
  static String userToken(String user, String password) throws IOException, InterruptedException {
    return token(
        Map.of(
            "grant_type", "password",
            "client_id", "hsip-test-cli",
            "username", user,
            "password", password,
            "scope", "openid"));
  }

  /** An access token for a confidential service client (client credentials grant). */
  static String clientToken(String clientId, String secret)
      throws IOException, InterruptedException {
    return token(
        Map.of(
            "grant_type", "client_credentials",
            "client_id", clientId,
            "client_secret", secret));
  }

  /** The base URL of the server (the realm URL without /realms/...). */
  private static String serverUrl() {
    String realm = realmUrl();
    return realm.substring(0, realm.indexOf("/realms/"));
  }

  /** The hsip realm's admin REST URL. */
  private static String adminUrl() {
    return serverUrl() + "/admin" + realmUrl().substring(serverUrl().length());
  }

  /** A master-realm admin token (the bootstrap admin .ci/keycloak created). */
  private static String adminToken() throws IOException, InterruptedException {
    return token(
        serverUrl() + "/realms/master",
        Map.of(
            "grant_type",
            "password",
            "client_id",
            "admin-cli",
            "username",
            required("HSIP_KEYCLOAK_ADMIN_USERNAME"),
            "password",
            required("HSIP_KEYCLOAK_ADMIN_PASSWORD")));
  }

  private static HttpResponse<String> admin(String method, String path, @Nullable String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(adminUrl() + path))
            .header("Authorization", "Bearer " + adminToken())
            .timeout(Duration.ofSeconds(10));
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          "Keycloak's admin API refused "
              + method
              + " "
              + path
              + " ("
              + response.statusCode()
              + "): "
              + response.body());
    }
    return response;
  }

  /**
   * Sets the access (and ID) token lifespan of a client, overriding the realm's; returns what
   * restores the previous setting.
   */
  static AutoCloseable tokenLifespan(String clientId, int seconds)
      throws IOException, InterruptedException {
    JsonNode found = JSON.readTree(admin("GET", "/clients?clientId=" + clientId, null).body());
    String id = found.get(0).get("id").asText();
    com.fasterxml.jackson.databind.node.ObjectNode client =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            JSON.readTree(admin("GET", "/clients/" + id, null).body());
    com.fasterxml.jackson.databind.node.ObjectNode attributes =
        (com.fasterxml.jackson.databind.node.ObjectNode) client.get("attributes");
    // Empty means "the realm's lifespan", as Keycloak's admin console clears it.
    String before = attributes.path("access.token.lifespan").asText("");
    attributes.put("access.token.lifespan", Integer.toString(seconds));
    admin("PUT", "/clients/" + id, JSON.writeValueAsString(client));
    return () -> {
      attributes.put("access.token.lifespan", before);
      admin("PUT", "/clients/" + id, JSON.writeValueAsString(client));
    };
  }

  /** Ends every session of a user at the identity provider, as an administrator can. */
  static void endSessionsOf(String username) throws IOException, InterruptedException {
    JsonNode users =
        JSON.readTree(admin("GET", "/users?exact=true&username=" + username, null).body());
    admin("POST", "/users/" + users.get(0).get("id").asText() + "/logout", null);
  }

  private static String token(Map<String, String> form) throws IOException, InterruptedException {
    return token(realmUrl(), form);
  }

  private static String token(String realm, Map<String, String> form)
      throws IOException, InterruptedException {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "Keycloak refused a token (" + response.statusCode() + "): " + response.body());
    }
    JsonNode json = JSON.readTree(response.body());
    return json.get("access_token").asText();
  }
}
