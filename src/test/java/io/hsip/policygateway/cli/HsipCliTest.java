package io.hsip.policygateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.hsip.Vectors;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.keys.KeyFiles;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.net.UdpConsentResponder;
import io.hsip.policygateway.hsip.token.CapabilityToken;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hsip command line, end to end through files, with a fixed clock. */
class HsipCliTest {

  /** The vectors' requester key, as the reference CLI's keystore.json. */
  private static final String REQUESTER_KEYSTORE =
      Vectors.text("identity.requester.keystore_json_core");

  private static final long NOW = Vectors.number("consent.request.inputs.ts_ms");

  @TempDir Path dir;
  private StringWriter out;
  private StringWriter err;
  private Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

  @BeforeEach
  void streams() {
    out = new StringWriter();
    err = new StringWriter();
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return HsipCli.run(clock, new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private Path file(String name) {
    return dir.resolve(name);
  }

  @Test
  void keygenWritesOwnerOnlyPemAndPrintsOnlyPublicData() throws Exception {
    assertThat(run("keygen", "--out", file("gw.pem").toString())).isEqualTo(0);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file("gw.pem"))))
        .isEqualTo("rw-------");
    SigningKey key = KeyFiles.read(file("gw.pem"));
    assertThat(out.toString()).contains("peer_id: " + key.peerId()).contains(key.publicKey().hex());
    assertThat(out.toString()).doesNotContain(HexFormat.of().formatHex(key.exportSeed()));
  }

  @Test
  void keygenRefusesToOverwriteWithoutForce() throws Exception {
    run("keygen", "--out", file("k.pem").toString());
    String before = Files.readString(file("k.pem"));
    assertThat(run("keygen", "--out", file("k.pem").toString())).isEqualTo(3);
    assertThat(err.toString()).contains("already exists; use --force");
    assertThat(Files.readString(file("k.pem"))).isEqualTo(before);
    assertThat(run("keygen", "--out", file("k.pem").toString(), "--force")).isEqualTo(0);
    assertThat(Files.readString(file("k.pem"))).isNotEqualTo(before);
  }

  @Test
  void keygenWritesReferenceKeystoreFormat() throws Exception {
    assertThat(run("keygen", "--format", "keystore", "--out", file("keystore.json").toString()))
        .isEqualTo(0);
    assertThat(Files.readString(file("keystore.json"))).startsWith("{\n  \"pub_hex\": \"");
    assertThat(run("peer-id", "--key", file("keystore.json").toString())).isEqualTo(0);
  }

  @Test
  void peerIdOfReferenceKeystoreAndOfPublicKey() throws Exception {
    Files.writeString(file("keystore.json"), REQUESTER_KEYSTORE);
    assertThat(run("peer-id", "--key", file("keystore.json").toString())).isEqualTo(0);
    assertThat(out.toString()).isEqualTo(Vectors.text("identity.requester.peer_id") + "\n");
    assertThat(run("peer-id", "--pub", Vectors.text("identity.responder.ed25519_public_key_hex")))
        .isEqualTo(0);
    assertThat(out.toString()).isEqualTo(Vectors.text("identity.responder.peer_id") + "\n");
    assertThat(run("peer-id", "--pub", "00".repeat(32))).isEqualTo(3);
    assertThat(err.toString()).contains("public key is not a valid Ed25519 point of prime order");
  }

  @Test
  void consentRequestVerifyRespondVerifyResponse() throws Exception {
    Files.writeString(file("requester.json"), REQUESTER_KEYSTORE);
    run("keygen", "--out", file("responder.pem").toString());
    Files.writeString(file("content.txt"), Vectors.text("consent.content_id.inputs.content_utf8"));

    assertThat(
            run(
                "consent",
                "request",
                "--key",
                file("requester.json").toString(),
                "--purpose",
                "indexing",
                "--content",
                file("content.txt").toString(),
                "--ttl-ms",
                "60000",
                "--out",
                file("req.json").toString()))
        .isEqualTo(0);
    ConsentRequest request = ConsentRequest.parse(Files.readAllBytes(file("req.json")));
    assertThat(request.contentCidHex())
        .isEqualTo(Vectors.text("consent.content_id.content_cid_hex"));
    assertThat(request.expiresMs()).isEqualTo(NOW + 60_000);
    assertThat(Files.readString(file("req.json"))).isEqualTo(request.toPrettyJson() + "\n");

    assertThat(run("consent", "verify", "--request", file("req.json").toString())).isEqualTo(0);
    assertThat(out.toString())
        .startsWith(
            "OK: request from "
                + Vectors.text("identity.requester.peer_id")
                + " for purpose \"indexing\"");

    assertThat(
            run(
                "consent",
                "respond",
                "--key",
                file("responder.pem").toString(),
                "--request",
                file("req.json").toString(),
                "--decision",
                "allow",
                "--ttl-ms",
                "120000",
                "--out",
                file("resp.json").toString()))
        .isEqualTo(0);
    String responderPub = KeyFiles.read(file("responder.pem")).publicKey().hex();
    assertThat(
            run(
                "consent",
                "verify-response",
                "--request",
                file("req.json").toString(),
                "--response",
                file("resp.json").toString(),
                "--responder-pub",
                responderPub))
        .isEqualTo(0);
    assertThat(out.toString()).contains("ALLOWS until " + Instant.ofEpochMilli(NOW + 120_000));

    clock = Clock.offset(clock, java.time.Duration.ofMinutes(3));
    assertThat(
            run(
                "consent",
                "verify-response",
                "--request",
                file("req.json").toString(),
                "--response",
                file("resp.json").toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("REJECTED (CONSENT_ENDED)");
  }

  @Test
  void verifyRejectsExpiredAndTamperedRequestsWithReasons() throws Exception {
    Files.writeString(file("requester.json"), REQUESTER_KEYSTORE);
    run(
        "consent",
        "request",
        "--key",
        file("requester.json").toString(),
        "--purpose",
        "indexing",
        "--cid",
        "ab".repeat(32),
        "--ttl-ms",
        "60000",
        "--out",
        file("req.json").toString());

    clock = Clock.offset(clock, java.time.Duration.ofMinutes(2));
    assertThat(run("consent", "verify", "--request", file("req.json").toString())).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo("hsip: REJECTED (STALE): ts_ms is more than 60000 ms in the past\n");
    assertThat(
            run("consent", "verify", "--request", file("req.json").toString(), "--signature-only"))
        .isEqualTo(0);
    assertThat(
            run(
                "consent",
                "verify",
                "--request",
                file("req.json").toString(),
                "--at",
                Long.toString(NOW)))
        .isEqualTo(0);

    Files.writeString(
        file("tampered.json"), Files.readString(file("req.json")).replace("indexing", "indexinG"));
    assertThat(
            run(
                "consent",
                "verify",
                "--request",
                file("tampered.json").toString(),
                "--at",
                Long.toString(NOW)))
        .isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo("hsip: REJECTED (BAD_SIGNATURE): request signature does not verify\n");

    Files.writeString(file("broken.json"), "{\"version\":1}");
    assertThat(run("consent", "verify", "--request", file("broken.json").toString())).isEqualTo(3);
    assertThat(err.toString()).contains("missing field `requester_peer_id`");
  }

  @Test
  void relativeExpiresIsRefusedAndDenyHasNoTtl() throws Exception {
    Files.writeString(file("requester.json"), REQUESTER_KEYSTORE);
    assertThat(
            run(
                "consent",
                "request",
                "--key",
                file("requester.json").toString(),
                "--purpose",
                "indexing",
                "--cid",
                "ab".repeat(32),
                "--expires-ms",
                "60000"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--expires-ms is an absolute Unix time in ms and lies in the past");

    run(
        "consent",
        "request",
        "--key",
        file("requester.json").toString(),
        "--purpose",
        "indexing",
        "--cid",
        "ab".repeat(32),
        "--ttl-ms",
        "60000",
        "--out",
        file("req.json").toString());
    run("keygen", "--out", file("responder.pem").toString());
    assertThat(
            run(
                "consent",
                "respond",
                "--key",
                file("responder.pem").toString(),
                "--request",
                file("req.json").toString(),
                "--decision",
                "deny",
                "--ttl-ms",
                "30000"))
        .isEqualTo(2);
    assertThat(
            run(
                "consent",
                "respond",
                "--key",
                file("responder.pem").toString(),
                "--request",
                file("req.json").toString(),
                "--decision",
                "deny"))
        .isEqualTo(0);
    ConsentResponse deny = ConsentResponse.parse(out.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(deny.ttlMs()).isZero();
  }

  @Test
  void allowIsRefusedForAnInvalidRequest() throws Exception {
    Files.writeString(file("requester.json"), REQUESTER_KEYSTORE);
    run(
        "consent",
        "request",
        "--key",
        file("requester.json").toString(),
        "--purpose",
        "indexing",
        "--cid",
        "ab".repeat(32),
        "--ttl-ms",
        "60000",
        "--out",
        file("req.json").toString());
    Files.writeString(
        file("tampered.json"), Files.readString(file("req.json")).replace("indexing", "indexinG"));
    run("keygen", "--out", file("responder.pem").toString());
    assertThat(
            run(
                "consent",
                "respond",
                "--key",
                file("responder.pem").toString(),
                "--request",
                file("tampered.json").toString(),
                "--decision",
                "allow",
                "--ttl-ms",
                "1000"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("REJECTED (BAD_SIGNATURE)");
  }

  @Test
  void tokenIssueAndVerify() throws Exception {
    run("keygen", "--out", file("issuer.pem").toString());
    String issuerPub = KeyFiles.read(file("issuer.pem")).publicKey().hex();
    assertThat(
            run(
                "token",
                "issue",
                "--key",
                file("issuer.pem").toString(),
                "--grantee",
                Vectors.text("identity.requester.peer_id"),
                "--caps",
                "session,ping",
                "--ttl-ms",
                "30000",
                "--out",
                file("token.json").toString()))
        .isEqualTo(0);
    CapabilityToken token = CapabilityToken.parse(Files.readAllBytes(file("token.json")));
    assertThat(token.expiresAtMs()).isEqualTo(NOW + 30_000);
    assertThat(
            run(
                "token",
                "verify",
                "--token",
                file("token.json").toString(),
                "--issuer-pub",
                issuerPub))
        .isEqualTo(0);
    assertThat(out.toString())
        .contains("grants [session, ping] to " + Vectors.text("identity.requester.peer_id"));
    assertThat(
            run(
                "token",
                "verify",
                "--file",
                file("token.json").toString(),
                "--issuer-vk-hex",
                issuerPub,
                "--at",
                Long.toString(NOW + 30_001)))
        .isEqualTo(1);
    assertThat(err.toString()).isEqualTo("hsip: REJECTED: token expired\n");
    assertThat(
            run(
                "token",
                "issue",
                "--key",
                file("issuer.pem").toString(),
                "--grantee",
                "x",
                "--caps",
                "sesion",
                "--ttl-ms",
                "1"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("unknown capability \"sesion\"");
  }

  @Test
  void consentSendTalksToAUdpListenerAndVerifiesTheAnswer() throws Exception {
    Files.writeString(file("requester.json"), REQUESTER_KEYSTORE);
    run(
        "consent",
        "request",
        "--key",
        file("requester.json").toString(),
        "--purpose",
        "indexing",
        "--cid",
        "ab".repeat(32),
        "--ttl-ms",
        "60000",
        "--out",
        file("req.json").toString());
    SigningKey listenerKey = SigningKey.generate(new java.security.SecureRandom());
    try (UdpConsentResponder listener =
        UdpConsentResponder.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            (request, from) -> ConsentResponse.allow(listenerKey, request, 5_000, NOW),
            Runnable::run,
            UdpConsentResponder.Limits.DEFAULT,
            clock)) {
      String to = "127.0.0.1:" + listener.localAddress().getPort();
      assertThat(
              run(
                  "consent",
                  "send",
                  "--to",
                  to,
                  "--request",
                  file("req.json").toString(),
                  "--responder-pub",
                  listenerKey.publicKey().hex(),
                  "--out",
                  file("resp.json").toString()))
          .isEqualTo(0);
      assertThat(out.toString())
          .contains(
              "OK: " + listenerKey.peerId() + " ALLOWS until " + Instant.ofEpochMilli(NOW + 5_000));
      assertThat(ConsentResponse.parse(Files.readAllBytes(file("resp.json"))).ttlMs())
          .isEqualTo(5_000);

      String otherKey = SigningKey.generate(new java.security.SecureRandom()).publicKey().hex();
      assertThat(
              run(
                  "consent",
                  "send",
                  "--to",
                  to,
                  "--request",
                  file("req.json").toString(),
                  "--responder-pub",
                  otherKey))
          .isEqualTo(1);
      assertThat(err.toString()).contains("REJECTED (UNEXPECTED_RESPONDER)");
    }
  }

  @Test
  void auditVerifyRefusesToRunWithoutTheGatewayKey() throws Exception {
    Path bundle = file("bundle.zip");
    Files.write(bundle, new byte[] {'P', 'K'});
    assertThat(run("audit", "verify", bundle.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "hsip: audit verify needs the gateway's public key you trust: pass --key HEX"
                + " or --key-file FILE (from GET /api/v1/audit/public-key); a bundle checked only against the key it carries"
                + " proves nothing");
    assertThat(out.toString()).doesNotContain("VERIFIED");

    Path keyFile = file("gateway.key");
    Files.writeString(keyFile, "not a key\n");
    assertThat(run("audit", "verify", bundle.toString(), "--key-file", keyFile.toString()))
        .isEqualTo(3);
    assertThat(err.toString()).contains("--key-file");
    assertThat(run("audit", "verify", bundle.toString(), "--key-file", file("nope.key").toString()))
        .isEqualTo(3);
    assertThat(err.toString()).contains("does not exist");
  }

  @Test
  void auditVerifyWarnsWhatItDidNotCheckAndStillExitsZero() throws Exception {
    // A format 1 bundle written before tree-size ranges, verified without the previous bundle.
    Path bundle = file("v1.zip");
    try (var in = getClass().getResourceAsStream("/audit/bundle-v1/second.zip")) {
      Files.copy(java.util.Objects.requireNonNull(in), bundle);
    }
    String key = io.hsip.policygateway.hsip.Fixtures.RESPONDER.publicKey().hex();

    assertThat(run("audit", "verify", bundle.toString(), "--key", key)).isZero();

    assertThat(out.toString())
        .contains("WARNING  truncation not checked: no --previous bundle was given")
        .contains("WARNING  format hsip-audit-bundle/1: the range was chosen by recording times")
        .contains("VERIFIED: ");
    assertThat(run("audit", "verify", "--help")).isZero();
    assertThat(out.toString()).contains("WARNING lines say what was not checked");
  }

  @Test
  void missingFilesAndUsageErrorsHaveDistinctExitCodes() {
    assertThat(run("peer-id", "--key", file("nope.pem").toString())).isEqualTo(3);
    assertThat(err.toString()).contains("does not exist");
    assertThat(run("consent", "verify")).isEqualTo(2);
    assertThat(run("no-such-command")).isEqualTo(2);
    assertThat(run("--help")).isEqualTo(0);
    assertThat(out.toString())
        .contains("keygen")
        .contains("peer-id")
        .contains("consent")
        .contains("token");
  }
}
