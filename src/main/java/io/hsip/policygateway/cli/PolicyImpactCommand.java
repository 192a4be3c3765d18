package io.hsip.policygateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hsip policy impact}: asks a gateway what a draft would have changed in the decisions its
 * audit log recorded ({@code POST /api/v1/policies/drafts/{id}/impact}) and prints the answer, for
 * a person or (with {@code --json}) for a pipeline; {@code --fail-on-change} makes a change exit 1,
 * so that CI can stop a policy change that would alter live answers.
 */
@Command(
    name = "impact",
    mixinStandardHelpOptions = true,
    description = {
      "Replay the decisions a gateway recorded (default: the last 7 days) against a draft.",
      "Prints how many would change (allow to deny, deny to allow, TTL shorter or longer), by rule,"
          + " with sample audit entries. Exit 0 when done; with --fail-on-change, 1 if any decision"
          + " would change; 3 if the gateway cannot be reached or refuses."
    })
final class PolicyImpactCommand extends CliCommand {

  /** A replay of millions of decisions takes a while; the gateway bounds it at its own budget. */
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  @Parameters(index = "0", paramLabel = "DRAFT", description = "The draft's id.")
  String draft;

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:8080",
      description = "Base URL of the gateway (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(
      names = "--token-file",
      required = true,
      description = "File holding the bearer token of an admin or auditor.")
  Path tokenFile;

  @Option(names = "--from", description = "Start of the window (ISO-8601 instant).")
  @Nullable String from;

  @Option(names = "--to", description = "End of the window (ISO-8601 instant; default now).")
  @Nullable String to;

  @Option(names = "--json", description = "Print the gateway's JSON answer as it is.")
  boolean json;

  @Option(names = "--fail-on-change", description = "Exit 1 if any decision would change.")
  boolean failOnChange;

  @Override
  public Integer call() throws CliException, InterruptedException {
    UUID id;
    try {
      id = UUID.fromString(draft);
    } catch (IllegalArgumentException e) {
      throw new CliException(CliException.USAGE, "DRAFT must be a draft id (a UUID)");
    }
    String token = CliFiles.readToken(tokenFile);
    URI endpoint = endpoint(id);
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, application/problem+json")
            .POST(HttpRequest.BodyPublishers.ofString(body()))
            .build();
    HttpResponse<String> response;
    try (HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException e) {
      throw new CliException(CliException.INPUT, "cannot reach the gateway at " + url);
    } catch (HttpTimeoutException e) {
      throw new CliException(CliException.INPUT, "the gateway did not answer within " + TIMEOUT);
    } catch (IOException e) {
      throw new CliException(
          CliException.INPUT, "talking to the gateway failed: " + e.getClass().getSimpleName());
    }
    JsonNode answer = parse(response.body());
    if (response.statusCode() != 200) {
      throw new CliException(
          CliException.INPUT,
          String.format(
              Locale.ROOT,
              "the gateway refused (%d %s): %s",
              response.statusCode(),
              answer.path("title").asText("?"),
              answer.path("detail").asText("no detail")));
    }
    if (json) {
      out().println(response.body());
    } else {
      print(answer);
    }
    out().flush();
    return failOnChange && answer.path("changed").asLong() > 0 ? CliException.REJECTED : 0;
  }

  private URI endpoint(UUID id) throws CliException {
    try {
      URI base = new URI(url.endsWith("/") ? url : url + "/");
      String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || base.getHost() == null) {
        throw new CliException(CliException.USAGE, "--url must be an http:// or https:// URL");
      }
      return base.resolve("api/v1/policies/drafts/" + id + "/impact");
    } catch (URISyntaxException e) {
      throw new CliException(CliException.USAGE, "--url is not a URL: " + e.getReason());
    }
  }

  private String body() throws CliException {
    var node = ObjectMappers.standard().createObjectNode();
    if (from != null) {
      node.put("from", instant(from, "--from").toString());
    }
    if (to != null) {
      node.put("to", instant(to, "--to").toString());
    }
    return node.toString();
  }

  private static Instant instant(String text, String option) throws CliException {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new CliException(
          CliException.USAGE, option + " must be an ISO-8601 instant, e.g. 2026-12-01T00:00:00Z");
    }
  }

  private static JsonNode parse(String body) throws CliException {
    try {
      return ObjectMappers.standard().readTree(body);
    } catch (IOException e) {
      throw new CliException(CliException.INPUT, "the gateway's answer is not JSON");
    }
  }

  private static final Map<String, String> CHANGES =
      Map.of(
          "allow_to_deny", "allow -> deny",
          "deny_to_allow", "deny -> allow",
          "ttl_shorter", "TTL shorter",
          "ttl_longer", "TTL longer");

  /** Rule ids as {@code [a, b]}; {@code []} when none matched (a default deny). */
  private static String rules(JsonNode ids) {
    java.util.List<String> names = new java.util.ArrayList<>();
    ids.forEach(id -> names.add(id.asText()));
    return "[" + String.join(", ", names) + "]";
  }

  private void print(JsonNode a) {
    out()
        .printf(
            Locale.ROOT,
            "Draft of policy set %s (sha256:%s), decisions recorded %s .. %s%n",
            a.path("policy_set").asText(),
            a.path("digest").asText(),
            a.path("from").asText(),
            a.path("to").asText());
    if (!a.path("complete").asBoolean()) {
      out()
          .printf(
              Locale.ROOT,
              "INCOMPLETE: the gateway stopped at its time budget after the decisions up to %s;"
                  + " narrow the window%n",
              a.path("stopped_at").asText());
    }
    out()
        .printf(
            Locale.ROOT,
            "%d decisions read, %d replayed, %d unchanged, %d would change%n",
            a.path("decisions").asLong(),
            a.path("replayed").asLong(),
            a.path("unchanged").asLong(),
            a.path("changed").asLong());
    for (String change :
        new String[] {"allow_to_deny", "deny_to_allow", "ttl_shorter", "ttl_longer"}) {
      out()
          .printf(
              Locale.ROOT,
              "  %-14s %d%n",
              CHANGES.get(change),
              a.path("changes").path(change).asLong());
    }
    JsonNode skipped = a.path("not_replayed");
    out()
        .printf(
            Locale.ROOT,
            "Not replayed: %d not decided by the policy, %d without recorded facts, %d about a"
                + " peer a condition would need by PeerID%n",
            skipped.path("not_decided_by_policy").asLong(),
            skipped.path("no_recorded_facts").asLong(),
            skipped.path("unknown_peer_in_condition").asLong());
    for (JsonNode g : a.path("groups")) {
      out()
          .printf(
              Locale.ROOT,
              "%-14s %8d  recorded rules %s -> draft rules %s%n",
              CHANGES.getOrDefault(g.path("change").asText(), g.path("change").asText()),
              g.path("decisions").asLong(),
              rules(g.path("recorded_rules")),
              rules(g.path("draft_rules")));
      for (JsonNode s : g.path("samples")) {
        out()
            .printf(
                Locale.ROOT,
                "    seq %d at %s, purpose %s: %s %d ms -> %s %d ms%n",
                s.path("seq").asLong(),
                s.path("time").asText(),
                s.path("purpose").asText(),
                s.path("recorded").path("effect").asText(),
                s.path("recorded").path("ttl_ms").asLong(),
                s.path("draft").path("effect").asText(),
                s.path("draft").path("ttl_ms").asLong());
      }
    }
    if (a.path("groups_omitted").asLong() > 0) {
      out()
          .printf(
              Locale.ROOT, "(%d smaller groups not listed)%n", a.path("groups_omitted").asLong());
    }
  }
}
