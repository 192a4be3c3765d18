package io.hsip.policygateway.bench;

import io.hsip.policygateway.hsip.consent.ConsentParseException;
import io.hsip.policygateway.hsip.consent.ConsentRejectedException;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.session.FrameException;
import io.hsip.policygateway.hsip.session.FrameType;
import io.hsip.policygateway.hsip.session.Handshake;
import io.hsip.policygateway.hsip.session.HandshakeException;
import io.hsip.policygateway.hsip.session.SealedSession;
import io.hsip.policygateway.hsip.session.SessionKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the HSIP hot paths on one thread: consent verification (parse + strict Ed25519 +
 * PeerID check), Ed25519 signing of a consent response, and sealing/opening a CONTROL frame.
 *
 * <p>Run: {@code bash .ci/bench HsipBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class HsipBenchmark {

  private static final int RING = 4096;

  private SigningKey responderKey;
  private Ed25519PublicKey requesterKey;
  private ConsentRequest request;
  private byte[] requestJson;
  private byte[] responseSignedBytes;
  private SealedSession sender;
  private SessionKey receiverKey;
  private SealedSession receiver;
  private byte[][] frames;
  private byte[] payload;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws HandshakeException {
    SecureRandom random = new SecureRandom();
    SigningKey requester =
        SigningKey.fromSeed(
            HexFormat.of()
                .parseHex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"));
    requesterKey = requester.publicKey();
    responderKey = SigningKey.generate(random);
    byte[] nonce = new byte[12];
    random.nextBytes(nonce);
    request =
        ConsentRequest.sign(
            requester, "ab".repeat(32), "indexing", 1_731_880_060_000L, 1_731_880_000_000L, nonce);
    requestJson = request.toJson().getBytes(StandardCharsets.UTF_8);
    responseSignedBytes =
        ("CONSENT_RESPONSE|v=1|req_hash="
                + request.hashHex()
                + "|pid="
                + responderKey.peerId()
                + "|pub="
                + responderKey.publicKey().hex()
                + "|decision=allow|ttl=120000|ts=1731880001000")
            .getBytes(StandardCharsets.UTF_8);

    Handshake.Initiator initiator = Handshake.Initiator.start(random);
    Handshake.Response response = Handshake.respond(initiator.e1(), random);
    sender = SealedSession.initiator(initiator.finish(response.e2()), random);
    receiverKey = response.key();
    payload = requestJson;
    frames = new byte[RING][];
    for (int i = 0; i < RING; i++) {
      frames[i] = sender.seal(FrameType.CONTROL, payload);
    }
    receiver = SealedSession.responder(receiverKey, random);
  }

  /** Parse a compact ConsentRequest and verify it strictly (key validation, PeerID, signature). */
  @Benchmark
  public Ed25519PublicKey consentParseAndVerify()
      throws ConsentParseException, ConsentRejectedException {
    return ConsentValidator.verifySignature(ConsentRequest.parse(requestJson));
  }

  /** Strict Ed25519 verification alone, with the requester's key already validated and cached. */
  @Benchmark
  public boolean ed25519VerifyCachedKey() throws Exception {
    requesterKey.verify(request.signedBytes(), HexFormat.of().parseHex(request.sigHex()));
    return true;
  }

  /** Ed25519 signature of a consent response's canonical string. */
  @Benchmark
  public byte[] ed25519Sign() {
    return responderKey.sign(responseSignedBytes);
  }

  /** Seal a CONTROL frame carrying a compact consent request (~480 bytes). */
  @Benchmark
  public byte[] frameSeal() {
    return sender.seal(FrameType.CONTROL, payload);
  }

  /** Open a CONTROL frame (AEAD + replay window); frames come from a ring of pre-sealed ones. */
  @Benchmark
  public byte[] frameOpen() throws FrameException {
    if (next == RING) {
      // Replayed counters would be rejected: start a fresh receiver for the next lap of the ring.
      receiver = SealedSession.responder(receiverKey, new SecureRandom());
      next = 0;
    }
    return receiver.open(frames[next++], FrameType.CONTROL);
  }
}
