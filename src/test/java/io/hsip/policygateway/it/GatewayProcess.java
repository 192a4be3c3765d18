package io.hsip.policygateway.it;

import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.KeyFiles;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.identity.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway started as a user (or a Kubernetes pod) starts it: {@code java -jar
 * target/quarkus-app/quarkus-run.jar} in a process of its own, with the test profile's database and
 * keys, the test issuer's OIDC settings and the given properties. Several can run at once against
 * one database, as replicas do. Output goes to {@code target/it-logs/<name>.log}.
 */
public final class GatewayProcess implements AutoCloseable {

  private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final int httpPort;
  private final Path log;

  private GatewayProcess(String name, Process process, int httpPort, Path log) {
    this.name = name;
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  /**
   * Starts an instance and waits until it is ready.
   *
   * @param properties system properties for the instance (override the test profile's)
   */
  public static GatewayProcess start(String name, Map<String, String> properties)
      throws IOException, InterruptedException {
    return start(name, new TestIssuerConfig().start(), properties, freeTcpPort());
  }

  /**
   * Starts an instance on {@code port} that trusts the identity provider {@code oidc} names (for
   * example a real Keycloak) instead of the test issuer, and waits until it is ready.
   */
  public static GatewayProcess start(
      String name, Map<String, String> oidc, Map<String, String> properties, int port)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(
          JAR + " is missing: the packaged-jar tests run after package");
    }
    requireFree(port);
    Map<String, String> props = new TreeMap<>(oidc);
    props.put("quarkus.profile", "test");
    props.put("quarkus.http.port", Integer.toString(port));
    props.putAll(properties);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--sun-misc-unsafe-memory-access=allow");
    command.add("-Xmx512m");
    // Extra JVM options for every instance, e.g. a flight recording while profiling a load run.
    String extra = System.getenv("HSIP_GATEWAY_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    props.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-jar");
    command.add(JAR.toString());
    Path log = Path.of("target", "it-logs", name + ".log");
    Files.createDirectories(log.getParent());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
            .start();
    GatewayProcess gateway = new GatewayProcess(name, process, port, log);
    try {
      gateway.awaitReady(Duration.ofSeconds(90));
    } catch (IOException | InterruptedException | RuntimeException e) {
      gateway.close();
      throw e;
    }
    return gateway;
  }

  /**
   * Writes a new listener key to {@code path} (the packaged jar runs in production launch mode,
   * where a listener never generates its own key) and returns its public key.
   */
  public static Ed25519PublicKey newListenerKey(Path path) throws IOException {
    SigningKey key = SigningKey.generate(new java.security.SecureRandom());
    Files.createDirectories(path.toAbsolutePath().getParent());
    KeyFiles.writeSecret(path, KeyFiles.toPem(key), true);
    return key.publicKey();
  }

  /**
   * Fails at once when something already listens on {@code port}: otherwise the readiness check
   * would find that other process and the test would talk to it.
   */
  private static void requireFree(int port) {
    try (ServerSocket probe = new ServerSocket(port)) {
      probe.setReuseAddress(true);
    } catch (IOException taken) {
      throw new IllegalStateException(
          "TCP port " + port + " is in use: stop what listens there before this test", taken);
    }
  }

  /** A TCP port nobody listens on right now. */
  public static int freeTcpPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A UDP port nobody is bound to right now. */
  public static int freeUdpPort() throws IOException {
    try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The instance's base URL. */
  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** The HTTP port. */
  public int httpPort() {
    return httpPort;
  }

  /** The process id (for its resident memory, say). */
  public long pid() {
    return process.pid();
  }

  /** The instance's output so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Resident set size in KiB, from /proc (Linux). */
  public long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmRSS for " + pid());
  }

  /** GET {@code path}; the status and body. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Publishes {@code yaml} through this instance's policy API (as an admin, four-eyes off in the
   * test profile) and waits until this instance enforces the new version.
   *
   * @return the wall-clock time (Unix ms) at which the publish call returned
   */
  public long publishPolicy(String yaml) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url() + "/api/v1/policies/import?publish=true"))
                .header("Authorization", "Bearer " + TestTokens.admin())
                .header("Content-Type", "application/yaml")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(yaml))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    long returned = System.currentTimeMillis();
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          "publishing through "
              + name
              + " failed: "
              + response.statusCode()
              + " "
              + response.body());
    }
    return returned;
  }

  /**
   * Binds the daemon client {@code clientId} (its service-account token's subject, as {@link
   * TestTokens#serviceAccount} mints it) to the organisation service whose identity is {@code
   * identity}, through the directory API as an admin. The identity must not be in the directory
   * yet: give the instance a listener key of its own ({@code gateway.listeners.main.key-file}).
   */
  public void bindDaemon(String clientId, Ed25519PublicKey identity)
      throws IOException, InterruptedException {
    String body =
        """
        {"name": "%s", "peer_id": "%s", "sso_subject": "sa-%s"}
        """
            .formatted(clientId, identity.peerId(), clientId);
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url() + "/api/v1/directory/services"))
                .header("Authorization", "Bearer " + TestTokens.admin())
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 201) {
      throw new IllegalStateException(
          "binding " + clientId + " failed: " + response.statusCode() + " " + response.body());
    }
  }

  /** Waits until this instance enforces {@code version} of its live set. */
  public void awaitLiveVersion(int version) throws IOException, InterruptedException {
    awaitLive(
        "version " + version,
        body -> body.replace(" ", "").contains("\"version\":" + version),
        Duration.ofSeconds(15),
        50);
  }

  /**
   * Polls {@code /api/v1/policies/live} every 10 ms until this instance enforces the version of
   * {@code digest}, and returns when it saw it (Unix ms).
   */
  public long awaitLiveDigest(String digest, Duration timeout)
      throws IOException, InterruptedException {
    awaitLive(digest, body -> body.contains(digest), timeout, 10);
    return System.currentTimeMillis();
  }

  private void awaitLive(
      String what, java.util.function.Predicate<String> enforced, Duration timeout, long pollMs)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String body = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> live =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url() + "/api/v1/policies/live"))
                  .header("Authorization", "Bearer " + TestTokens.viewer())
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      body = live.body();
      if (live.statusCode() == 200 && enforced.test(body)) {
        return;
      }
      Thread.sleep(pollMs);
    }
    throw new IllegalStateException(name + " did not enforce " + what + ": " + body);
  }

  private void awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + ":\n" + tail(log(), 60));
      }
      try {
        if (get("/q/health/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        name + " was not ready in " + timeout + ":\n" + tail(log(), 60));
  }

  private static String tail(String text, int lines) {
    String[] all = text.split("\n");
    return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
  }

  /** Stops the instance as Kubernetes would: SIGTERM, then SIGKILL after a grace period. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
