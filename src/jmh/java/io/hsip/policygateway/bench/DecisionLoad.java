package io.hsip.policygateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hsip.policygateway.cli.HsipCli;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.it.GatewayProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * End-to-end decision throughput of the packaged gateway on this machine, with the audit log on
 * (the product) and, for comparison, with the test-only switch that skips the durable append:
 * {@code bash .ci/load [seconds per run]}. Starts the jar against the local PostgreSQL, publishes a
 * small policy, binds a daemon client to the listener's identity, and drives it with {@code hsip
 * load udp} and {@code hsip load rest} (in this JVM, so on the same two cores as the gateway and
 * PostgreSQL; the requests are signed before each run so that the generator's signing does not
 * compete): first as fast as the closed loop goes, then open-loop at half that peak for the latency
 * at moderate load. Prints one line per run and a summary.
 */
public final class DecisionLoad {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SET = "bench";
  private static final String MIX = "allow=90,deny=10";

  private record Run(
      String audit,
      String door,
      String shape,
      double perSecond,
      double p50,
      double p99,
      double p999,
      long unexpected) {}

  private DecisionLoad() {}

  /** Runs the comparison; the optional argument is the seconds of each run (default 20). */
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int peers = Integer.getInteger("hsip.load.peers", 64);
    List<Run> runs = new ArrayList<>();
    boolean published = false;
    for (boolean skipAudit : new boolean[] {false, true}) {
      String audit = skipAudit ? "off" : "on";
      int udp = GatewayProcess.freeUdpPort();
      // A listener identity of its own for each run, bound to a daemon client of its own.
      String daemon = "bench-daemon-audit-" + audit;
      Path key = Path.of("target", daemon + "-" + System.currentTimeMillis() + ".pem");
      Ed25519PublicKey listener = GatewayProcess.newListenerKey(key);
      try (GatewayProcess gateway =
          GatewayProcess.start(
              "load-audit-" + audit,
              Map.of(
                  "policy.live-set",
                  SET,
                  "gateway.listeners.main.port",
                  Integer.toString(udp),
                  "gateway.listeners.main.key-file",
                  key.toString(),
                  "gateway.benchmark.skip-audit",
                  Boolean.toString(skipAudit),
                  "quarkus.log.category.\"io.hsip\".level",
                  "WARN",
                  "audit.integration.enabled",
                  "true"))) {
        if (!published) {
          gateway.publishPolicy(POLICY);
          published = true;
        }
        gateway.awaitLiveVersion(1);
        gateway.bindDaemon(daemon, listener);
        Path token = Files.createTempFile("hsip-load-token", ".jwt");
        String pub = listener.hex();
        String to = "127.0.0.1:" + udp;
        List<String> oneShot =
            List.of("udp", "--to", to, "--responder-pub", pub, "--requests-per-session", "1");
        List<String> sessions =
            List.of("udp", "--to", to, "--responder-pub", pub, "--requests-per-session", "100");
        List<String> rest =
            List.of("rest", "--url", gateway.url(), "--token-file", token.toString());
        for (var shape :
            List.of(
                Map.entry("UDP one-shot", oneShot),
                Map.entry("UDP 100/session", sessions),
                Map.entry("REST", rest))) {
          Files.writeString(token, TestTokens.serviceAccount(daemon, Roles.DAEMON));
          String door = shape.getKey().startsWith("UDP") ? "udp" : "rest";
          JsonNode peak = load(shape.getValue(), peers, seconds, null);
          runs.add(run(audit, door, shape.getKey() + " peak", peak));
          if (!skipAudit) {
            Files.writeString(token, TestTokens.serviceAccount(daemon, Roles.DAEMON));
            double half = Math.max(1, Math.floor(throughput(peak) / 2));
            JsonNode moderate = load(shape.getValue(), peers, seconds, half);
            runs.add(run(audit, door, shape.getKey() + " at half peak", moderate));
          }
        }
        Files.deleteIfExists(token);
      }
    }
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%-6s %-28s %12s %9s %9s %9s %10s%n",
        "audit",
        "run",
        "decisions/s",
        "p50 ms",
        "p99 ms",
        "p99.9 ms",
        "unexpected");
    for (Run r : runs) {
      System.out.printf(
          Locale.ROOT,
          "%-6s %-28s %12.0f %9.2f %9.2f %9.2f %10d%n",
          r.audit(),
          r.shape(),
          r.perSecond(),
          r.p50(),
          r.p99(),
          r.p999(),
          r.unexpected());
    }
    for (String door : List.of("UDP one-shot peak", "UDP 100/session peak", "REST peak")) {
      double on = find(runs, "on", door);
      double off = find(runs, "off", door);
      if (on > 0 && off > 0) {
        System.out.printf(Locale.ROOT, "%s: audit on / audit off = %.2f%n", door, on / off);
      }
    }
  }

  private static double find(List<Run> runs, String audit, String shape) {
    return runs.stream()
        .filter(r -> r.audit().equals(audit) && r.shape().equals(shape))
        .mapToDouble(Run::perSecond)
        .findFirst()
        .orElse(-1);
  }

  private static JsonNode load(List<String> mode, int peers, int seconds, Double rate)
      throws Exception {
    List<String> args = new ArrayList<>();
    args.add("load");
    args.addAll(mode);
    args.addAll(
        List.of(
            "--peers",
            Integer.toString(peers),
            "--duration",
            seconds + "s",
            "--count",
            "200000",
            "--presign",
            "--warmup",
            "3s",
            "--mix",
            MIX,
            "--allow-purpose",
            "bench.allow",
            "--deny-purpose",
            "bench.deny",
            "--json"));
    if (rate != null) {
      args.addAll(List.of("--rate", Long.toString(Math.round(rate))));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        HsipCli.run(
            Clock.systemUTC(),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            args.toArray(String[]::new));
    System.err.print(err);
    if (exit != 0 && exit != 1) {
      throw new IllegalStateException("hsip " + String.join(" ", args) + " exited " + exit);
    }
    return JSON.readTree(out.toString());
  }

  private static double throughput(JsonNode result) {
    return result.path("throughput").asDouble();
  }

  private static Run run(String audit, String door, String shape, JsonNode result) {
    JsonNode latency = result.path("latency");
    Run run =
        new Run(
            audit,
            door,
            shape,
            throughput(result),
            latency.path("p50").asDouble(),
            latency.path("p99").asDouble(),
            latency.path("p999").asDouble(),
            result.path("unexpected").asLong());
    System.out.printf(
        Locale.ROOT,
        "audit %-3s %-28s %8.0f decisions/s  p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  unexpected %d%n",
        audit,
        shape,
        run.perSecond(),
        run.p50(),
        run.p99(),
        run.p999(),
        run.unexpected());
    return run;
  }

  private static final String POLICY =
      """
      schema: hsip.io/policy/v1
      policy_set: bench
      max_ttl: 1h
      timezone: UTC
      groups: []
      rules:
        - id: allow-bench
          effect: allow
          requester:
            kind: external
          purpose:
            exact: [bench.allow]
          ttl_cap: 10m
        - id: deny-bench
          effect: deny
          purpose:
            exact: [bench.deny]
      """;
}
