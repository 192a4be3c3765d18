package io.hsip.policygateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.hsip.keys.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway, started as a user starts it, answers the packaged CLI's {@code hsip consent
 * send} from a second JVM: a new identity, a signed request, one UDP exchange, and an answer the
 * CLI verifies against the listener's public key.
 */
class ConsentSendIT {

  @TempDir Path dir;

  @Test
  void theCliOfASecondJvmGetsAVerifiedAnswer() throws Exception {
    String set = "cli" + UUID.randomUUID().toString().substring(0, 8);
    int udp = GatewayProcess.freeUdpPort();
    try (GatewayProcess gateway =
        GatewayProcess.start(
            "consent-send",
            Map.of("policy.live-set", set, "gateway.listeners.main.port", Integer.toString(udp)))) {
      gateway.publishPolicy(policy(set));
      gateway.awaitLiveVersion(1);
      String listener = KeyFiles.read(Path.of("target/test-listener-main.pem")).publicKey().hex();
      Path key = dir.resolve("me.pem");
      assertThat(hsip("keygen", "-o", key.toString()).exit).isZero();

      Run allow = send(key, "cli.chat", udp, listener);
      assertThat(allow.exit).as(allow.output).isZero();
      assertThat(allow.output).contains("ALLOWS");

      Run deny = send(key, "cli.forbidden", udp, listener);
      assertThat(deny.exit).as(deny.output).isZero();
      assertThat(deny.output).contains("DENIES");
    }
  }

  private Run send(Path key, String purpose, int udp, String listener) throws Exception {
    Path request = dir.resolve(purpose + ".json");
    Run made =
        hsip(
            "consent",
            "request",
            "--key",
            key.toString(),
            "--purpose",
            purpose,
            "--cid",
            "ab".repeat(32),
            "--ttl-ms",
            "600000",
            "-o",
            request.toString());
    assertThat(made.exit).as(made.output).isZero();
    return hsip(
        "consent",
        "send",
        "--to",
        "127.0.0.1:" + udp,
        "--request",
        request.toString(),
        "--responder-pub",
        listener);
  }

  private record Run(int exit, String output) {}

  private static Run hsip(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bin/hsip"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static String policy(String set) {
    return """
        schema: hsip.io/policy/v1
        policy_set: %s
        max_ttl: 1h
        timezone: UTC
        groups: []
        rules:
          - id: allow-cli-chat
            effect: allow
            requester:
              kind: external
            purpose:
              exact: [cli.chat]
        """
        .formatted(set);
  }
}
