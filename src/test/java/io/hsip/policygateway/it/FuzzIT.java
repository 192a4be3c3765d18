package io.hsip.policygateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.Heavy;
import io.hsip.policygateway.hsip.consent.ConsentDecision;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.net.UdpConsentInitiator;
import io.hsip.policygateway.hsip.session.FrameType;
import io.hsip.policygateway.hsip.session.Handshake;
import io.hsip.policygateway.hsip.session.SealedSession;
import io.hsip.policygateway.hsip.session.SessionKey;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.identity.TestTokens;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hostile input against the running packaged gateway, on loopback only: a million fuzzed datagrams
 * (mutated handshakes, mutated and forged frames, authenticated frames carrying mutated requests,
 * truncations, oversized and random datagrams) and a hundred thousand fuzzed decision-API bodies
 * from a bound daemon. The gateway must not crash, answer no 5xx, log no error or unhandled
 * exception, keep its memory bounded, and still answer an honest peer afterwards.
 */
@Heavy
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzIT {

  private static final int DATAGRAMS = 1_000_000;
  private static final int BODIES = 100_000;
  private static final String DAEMON = "fuzz-daemon";
  private static final int SENDERS = 4;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern HEAP =
      Pattern.compile("jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\} ([0-9.E+]+)");

  private final String set = "fuzz" + UUID.randomUUID().toString().substring(0, 8);
  private final Path listenerKey = Path.of("target", set + "-listener.pem");
  private GatewayProcess gateway;
  private int udp;
  private Ed25519PublicKey listener;

  @BeforeAll
  void start() throws Exception {
    udp = GatewayProcess.freeUdpPort();
    listener = GatewayProcess.newListenerKey(listenerKey);
    gateway =
        GatewayProcess.start(
            "fuzz",
            Map.of(
                "policy.live-set",
                set,
                "gateway.listeners.main.port",
                "" + udp,
                // An identity no other test put in the directory, for the daemon to speak for.
                "gateway.listeners.main.key-file",
                listenerKey.toString()));
    gateway.publishPolicy(
        """
        schema: hsip.io/policy/v1
        policy_set: %s
        max_ttl: 1h
        timezone: UTC
        groups: []
        rules:
          - id: allow-fuzz-chat
            effect: allow
            requester:
              kind: external
            purpose:
              exact: [fuzz.chat]
        """
            .formatted(set));
    gateway.awaitLiveVersion(1);
    gateway.bindDaemon(DAEMON, listener);
  }

  @AfterAll
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void aMillionFuzzedDatagramsNeitherCrashNorLeak() throws Exception {
    assertThat(honestExchange()).isEqualTo(ConsentDecision.ALLOW);
    long seed = Long.getLong("hsip.fuzz.seed", RANDOM.nextLong());
    long rssBefore = gateway.rssKib();
    double heapBefore = heapBytes();
    long started = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(SENDERS)) {
      List<Future<Integer>> senders = new ArrayList<>();
      for (int i = 0; i < SENDERS; i++) {
        long senderSeed = seed + i;
        senders.add(pool.submit(() -> fuzz(new Random(senderSeed), DATAGRAMS / SENDERS)));
      }
      int sent = 0;
      for (Future<Integer> f : senders) {
        sent += f.get();
      }
      assertThat(sent).isEqualTo(DATAGRAMS);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    // The gateway is alive and answers an honest peer right after.
    assertThat(honestExchange()).isEqualTo(ConsentDecision.ALLOW);
    long rssAfter = gateway.rssKib();
    double heapAfter = heapBytes();
    System.out.printf(
        Locale.ROOT,
        "fuzz seed %d (-Dhsip.fuzz.seed=%d): %d datagrams in %.1f s (%.0f/s); gateway RSS %d ->"
            + " %d MiB, heap used %.0f -> %.0f MiB (-Xmx512m)%n",
        seed,
        seed,
        DATAGRAMS,
        seconds,
        DATAGRAMS / seconds,
        rssBefore / 1024,
        rssAfter / 1024,
        heapBefore / (1 << 20),
        heapAfter / (1 << 20));
    assertThat(rssAfter).as("resident memory, KiB").isLessThan(1024 * 1024);
    assertNoErrorsLogged();
  }

  @Test
  void aHundredThousandFuzzedDecisionBodiesGetNoServerError() throws Exception {
    long seed = Long.getLong("hsip.fuzz.seed", RANDOM.nextLong());
    String token = TestTokens.serviceAccount(DAEMON, Roles.DAEMON);
    SigningKey peer = SigningKey.generate(RANDOM);
    String valid = "{\"request\":" + request(peer, "fuzz.chat").toJson() + "}";
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI uri = URI.create(gateway.url() + "/api/v1/decisions");
    Map<Integer, Integer> statuses = new ConcurrentSkipListMap<>();
    Map<Integer, String> samples = new ConcurrentSkipListMap<>();
    List<String> leaks = java.util.Collections.synchronizedList(new ArrayList<>());
    long rssBefore = gateway.rssKib();
    long started = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(SENDERS * 2)) {
      List<Future<?>> senders = new ArrayList<>();
      for (int s = 0; s < SENDERS * 2; s++) {
        Random random = new Random(seed + 100 + s);
        int share = BODIES / (SENDERS * 2);
        senders.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < share; i++) {
                    byte[] body = fuzzBody(random, valid);
                    HttpResponse<String> response =
                        http.send(
                            HttpRequest.newBuilder(uri)
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                    statuses.merge(response.statusCode(), 1, Integer::sum);
                    String text = response.body();
                    samples.putIfAbsent(response.statusCode(), abbreviate(text));
                    if (response.statusCode() >= 500
                        || text.contains("Exception")
                        || text.contains("\tat ")
                        || text.contains("io.hsip.")) {
                      leaks.add(response.statusCode() + " " + abbreviate(text));
                    }
                    if (response.statusCode() >= 400
                        && !response
                            .headers()
                            .firstValue("Content-Type")
                            .orElse("")
                            .startsWith("application/problem+json")) {
                      leaks.add(
                          "not problem+json: " + response.statusCode() + " " + abbreviate(text));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : senders) {
        f.get();
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long rssAfter = gateway.rssKib();
    int total = statuses.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf(
        Locale.ROOT,
        "REST fuzz seed %d: %d bodies in %.1f s (%.0f/s), statuses %s; gateway RSS %d -> %d MiB;"
            + " a body of each status: %s%n",
        seed,
        total,
        seconds,
        total / seconds,
        statuses,
        rssBefore / 1024,
        rssAfter / 1024,
        samples);
    assertThat(total).isEqualTo(BODIES);
    assertThat(leaks).as("5xx answers or internals in bodies").isEmpty();
    assertThat(statuses.keySet()).allMatch(status -> status < 500);
    // Well-formed bodies reached the pipeline (decided, allow or deny) and the rest were refused.
    assertThat(statuses).containsKeys(200, 400);
    assertThat(rssAfter).as("resident memory, KiB").isLessThan(1024 * 1024);
    assertThat(honestExchange()).isEqualTo(ConsentDecision.ALLOW);
    assertNoErrorsLogged();
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }

  /**
   * A hostile body: the valid one mutated, truncated or padded, wrong JSON types in each member,
   * deep nesting, huge numbers, invalid UTF-8, random bytes, or just over the body limit.
   */
  private static byte[] fuzzBody(Random random, String valid) {
    byte[] validBytes = valid.getBytes(StandardCharsets.UTF_8);
    return switch (random.nextInt(12)) {
      case 0 -> mutate(random, validBytes);
      case 1 -> Arrays.copyOf(validBytes, random.nextInt(validBytes.length));
      case 2 -> bytes(random, random.nextInt(2048));
      case 3 -> "[".repeat(1 + random.nextInt(5000)).getBytes(StandardCharsets.UTF_8);
      case 4 ->
          valid
              .replaceFirst("\"ts_ms\":[0-9]+", "\"ts_ms\":" + hugeNumber(random))
              .getBytes(StandardCharsets.UTF_8);
      case 5 ->
          valid
              .replaceFirst("\"nonce_hex\":\"[0-9a-f]+\"", "\"nonce_hex\":" + randomJson(random))
              .getBytes(StandardCharsets.UTF_8);
      case 6 ->
          ("{\"request\":" + randomJson(random) + ",\"target_peer_id\":" + randomJson(random) + "}")
              .getBytes(StandardCharsets.UTF_8);
      case 7 -> new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
      case 8 ->
          valid
              .replace("fuzz.chat", "x".repeat(random.nextInt(3000)))
              .getBytes(StandardCharsets.UTF_8);
      case 9 -> ("{\"request\":" + valid + "}").getBytes(StandardCharsets.UTF_8);
      case 10 ->
          random.nextInt(200) == 0
              ? bytes(random, (1 << 20) + 1 + random.nextInt(1024))
              : (valid.substring(0, valid.length() - 1) + ",\"extra\":1}")
                  .getBytes(StandardCharsets.UTF_8);
      default -> validBytes;
    };
  }

  private static String hugeNumber(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> "9".repeat(40);
      case 1 -> "-1";
      case 2 -> "1e308";
      default -> "\"" + random.nextInt() + "\"";
    };
  }

  private static String randomJson(Random random) {
    return switch (random.nextInt(7)) {
      case 0 -> "null";
      case 1 -> "true";
      case 2 -> Long.toString(random.nextLong());
      case 3 -> "\"" + "a".repeat(random.nextInt(100)) + "\"";
      case 4 -> "[]";
      case 5 -> "{}";
      default -> "{\"a\":[1,{\"b\":null}]}";
    };
  }

  private void assertNoErrorsLogged() {
    String log = gateway.log();
    List<String> bad =
        log.lines()
            .filter(l -> l.contains(" ERROR ") || l.contains("Exception") || l.contains("\tat "))
            .limit(20)
            .toList();
    assertThat(bad).as("error lines in the gateway's log").isEmpty();
  }

  private ConsentDecision honestExchange() throws Exception {
    SigningKey peer = SigningKey.generate(RANDOM);
    ConsentRequest request = request(peer, "fuzz.chat");
    ConsentResponse response =
        new UdpConsentInitiator(
                new InetSocketAddress("127.0.0.1", udp), Duration.ofSeconds(5), 3, RANDOM)
            .exchange(request);
    ConsentValidator.validateResponse(response, request, listener, null);
    return response.decision();
  }

  private double heapBytes() throws Exception {
    Matcher m = HEAP.matcher(gateway.get("/q/metrics").body());
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  /** Sends {@code count} fuzzed datagrams from one socket; returns how many. */
  private int fuzz(Random random, int count) throws Exception {
    InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), udp);
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      SealedSession session = handshake(socket, to);
      SigningKey peer = SigningKey.generate(RANDOM);
      byte[] validRequest = request(peer, "fuzz.chat").toJson().getBytes(StandardCharsets.UTF_8);
      byte[] validFrame = session.seal(FrameType.CONTROL, validRequest);
      byte[] validE1 = Handshake.Initiator.start(RANDOM).e1();
      for (int i = 0; i < count; i++) {
        byte[] datagram =
            switch (random.nextInt(100)) {
              case 0 -> bytes(random, 8193 + random.nextInt(12_000)); // oversized
              case 1, 2 -> session.seal(FrameType.CONTROL, mutate(random, validRequest));
              case 3 -> session.seal(FrameType.CONTROL, bytes(random, random.nextInt(700)));
              case 4 -> session.seal(FrameType.DATA, validRequest);
              default -> {
                int kind = random.nextInt(5);
                yield switch (kind) {
                  case 0 -> mutate(random, validE1);
                  case 1 -> mutate(random, validFrame);
                  case 2 -> Arrays.copyOf(validFrame, random.nextInt(validFrame.length));
                  case 3 -> forgedFrame(random);
                  default -> bytes(random, random.nextInt(600));
                };
              }
            };
        socket.send(new DatagramPacket(datagram, datagram.length, to));
        if ((i & 1023) == 0) {
          drain(socket);
        }
      }
      return count;
    }
  }

  private static SealedSession handshake(DatagramSocket socket, InetSocketAddress to)
      throws Exception {
    Handshake.Initiator initiator = Handshake.Initiator.start(RANDOM);
    socket.setSoTimeout(2000);
    for (int attempt = 0; attempt < 5; attempt++) {
      socket.send(new DatagramPacket(initiator.e1(), initiator.e1().length, to));
      byte[] buffer = new byte[2048];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
        SessionKey key = initiator.finish(Arrays.copyOf(buffer, packet.getLength()));
        return SealedSession.initiator(key, RANDOM);
      } catch (SocketTimeoutException e) {
        // Try again.
      }
    }
    throw new AssertionError("no E2 from the gateway");
  }

  /** Reads whatever the gateway answered so the socket's buffer does not grow. */
  private static void drain(DatagramSocket socket) throws Exception {
    socket.setSoTimeout(1);
    byte[] buffer = new byte[2048];
    try {
      for (int i = 0; i < 256; i++) {
        socket.receive(new DatagramPacket(buffer, buffer.length));
      }
    } catch (SocketTimeoutException e) {
      // Drained.
    }
  }

  private static byte[] forgedFrame(Random random) {
    byte[] frame = bytes(random, SealedSession.MIN_FRAME_LENGTH + random.nextInt(600));
    frame[0] = SealedSession.FRAME_TAG;
    return frame;
  }

  private static byte[] mutate(Random random, byte[] valid) {
    byte[] out = valid.clone();
    int flips = 1 + random.nextInt(4);
    for (int i = 0; i < flips && out.length > 0; i++) {
      switch (random.nextInt(4)) {
        case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        case 1 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        case 2 -> out = Arrays.copyOf(out, Math.max(1, out.length - 1 - random.nextInt(8)));
        default -> {
          out = Arrays.copyOf(out, out.length + 1 + random.nextInt(8));
          out[out.length - 1] = (byte) random.nextInt(256);
        }
      }
    }
    return out;
  }

  private static byte[] bytes(Random random, int length) {
    byte[] out = new byte[length];
    random.nextBytes(out);
    return out;
  }

  private static ConsentRequest request(SigningKey peer, String purpose) {
    long now = System.currentTimeMillis();
    byte[] nonce = new byte[ConsentRequest.NONCE_LENGTH];
    RANDOM.nextBytes(nonce);
    return ConsentRequest.sign(
        peer, ConsentRequest.contentId(nonce), purpose, now + 600_000, now, nonce);
  }
}
