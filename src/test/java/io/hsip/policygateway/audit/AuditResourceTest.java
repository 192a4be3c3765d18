package io.hsip.policygateway.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.hsip.policygateway.audit.bundle.BundleVerifier;
import io.hsip.policygateway.audit.bundle.VerificationReport;
import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.transparency.Checkpoint;
import io.hsip.policygateway.hsip.transparency.Checkpoints;
import io.hsip.policygateway.hsip.transparency.ConsistencyProofVerifier;
import io.hsip.policygateway.hsip.transparency.InclusionProofVerifier;
import io.hsip.policygateway.hsip.transparency.TreeHasher;
import io.hsip.policygateway.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The auditor API on the running service, called with real signed tokens. */
@QuarkusTest
class AuditResourceTest {

  private static final String API = "/api/v1/audit";
  private static final String PEER = "DW3C3OQDGHS4Z6ZGMG4UWWSML3";

  @Inject AuditLog log;
  @Inject AuditIntegration integration;
  @TempDir Path dir;

  static Stream<String> readEndpoints() {
    return Stream.of(
        "/entries",
        "/checkpoints",
        "/checkpoints/latest",
        "/public-key",
        "/entries/1",
        "/consistency?first=1&second=1",
        "/export?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z",
        "/export.csv?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z");
  }

  @ParameterizedTest
  @MethodSource("readEndpoints")
  void anonymousIs401ViewerIs403(String path) {
    given()
        .when()
        .get(API + path)
        .then()
        .statusCode(401)
        .contentType(startsWith("application/problem+json"))
        .header("WWW-Authenticate", startsWith("Bearer"));
    given()
        .auth()
        .oauth2(TestTokens.viewer())
        .when()
        .get(API + path)
        .then()
        .statusCode(403)
        .contentType(startsWith("application/problem+json"));
  }

  @Test
  void auditorAndAdminAre200() {
    append("someone", 1);
    integration.integrateNow();
    for (String token : List.of(TestTokens.auditor(), TestTokens.admin())) {
      given().auth().oauth2(token).when().get(API + "/entries?limit=1").then().statusCode(200);
      given().auth().oauth2(token).when().get(API + "/checkpoints/latest").then().statusCode(200);
      given().auth().oauth2(token).when().get(API + "/public-key").then().statusCode(200);
    }
  }

  @Test
  void searchFiltersAndPagesByKeyset() {
    String actor = "tester-" + UUID.randomUUID();
    List<Long> seqs = append(actor, 5);
    log.append(
        AuditEntry.decision(PEER, "deny").policyVersion("sha256:" + "ee".repeat(32)).build());
    JsonPath first =
        auditor()
            .get(API + "/entries?actor=" + actor + "&limit=2")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(first.getList("entries.seq", Long.class)).containsExactly(seqs.get(4), seqs.get(3));
    long next = first.getLong("next_before");
    JsonPath second =
        auditor()
            .get(API + "/entries?actor=" + actor + "&limit=2&before=" + next)
            .then()
            .extract()
            .jsonPath();
    assertThat(second.getList("entries.seq", Long.class)).containsExactly(seqs.get(2), seqs.get(1));
    JsonPath last =
        auditor()
            .get(
                API
                    + "/entries?actor="
                    + actor
                    + "&limit=2&before="
                    + second.getLong("next_before"))
            .then()
            .extract()
            .jsonPath();
    assertThat(last.getList("entries.seq", Long.class)).containsExactly(seqs.get(0));
    assertThat(last.getString("next_before")).isNull();

    auditor()
        .get(API + "/entries?actor=" + actor + "&kind=decision")
        .then()
        .statusCode(200)
        .body("entries", hasSize(0));
    auditor()
        .get(API + "/entries?actor=" + actor + "&kind=admin-change&effect=ok")
        .then()
        .body("entries", hasSize(5));
    auditor()
        .get(API + "/entries?actor=" + actor + "&to=2000-01-01T00:00:00Z")
        .then()
        .body("entries", hasSize(0));
    auditor()
        .get(API + "/entries?actor=" + actor + "&from=" + Instant.now().minusSeconds(600))
        .then()
        .body("entries", hasSize(5));
    auditor()
        .get(
            API
                + "/entries?peer="
                + PEER
                + "&policy_version=sha256:"
                + "ee".repeat(32)
                + "&effect=deny&limit=1")
        .then()
        .statusCode(200)
        .body("entries", hasSize(1))
        .body("entries[0].entry.kind", equalTo("decision"))
        .body("entries[0].entry.subject", org.hamcrest.Matchers.matchesPattern("[0-9a-f]{64}"))
        .body(org.hamcrest.Matchers.not(containsString(PEER)));
    auditor()
        .get(API + "/entries?peer=AAAAAAAAAAAAAAAAAAAAAAAAAA")
        .then()
        .statusCode(200)
        .body("entries", hasSize(0));
  }

  @Test
  void aDecisionsReasonIsAFilterAndAnAdminChangesReasonIsNot() {
    // A unique policy version keeps other tests' decisions out of these searches.
    String version = "sha256:" + UUID.randomUUID().toString().replace("-", "").repeat(2);
    long replayed = appendDecision(version, "deny", "replayed");
    long denied = appendDecision(version, "deny", "policy_deny");
    long allowed = appendDecision(version, "allow", "allowed");
    // Free text that happens to be called reason, in an entry that is not a decision.
    log.append(
        AuditEntry.adminChange("reason-" + version, "policy.reject")
            .outcome("deny")
            .policyVersion(version)
            .detail("reason", "replayed")
            .build());

    assertThat(seqs("policy_version=" + version + "&reason=replayed")).containsExactly(replayed);
    assertThat(seqs("policy_version=" + version + "&reason=policy_deny&effect=deny"))
        .containsExactly(denied);
    assertThat(seqs("policy_version=" + version + "&reason=allowed")).containsExactly(allowed);
    assertThat(seqs("policy_version=" + version + "&reason=rate_limited")).isEmpty();
    assertThat(seqs("policy_version=" + version)).hasSize(4);
    auditor()
        .get(API + "/entries?reason=Replayed%27--")
        .then()
        .statusCode(400)
        .contentType(startsWith("application/problem+json"))
        .body("detail", startsWith("`reason` must be a decision reason code"));
  }

  @Test
  void badQueriesAreProblems() {
    auditor()
        .get(API + "/entries?kind=bogus")
        .then()
        .statusCode(400)
        .contentType(startsWith("application/problem+json"))
        .body(
            "detail",
            equalTo("`kind` must be decision, admin-change, consent-revocation or key-event."));
    auditor()
        .get(API + "/entries?from=yesterday")
        .then()
        .statusCode(400)
        .body("detail", equalTo("`from` must be an RFC 3339 time such as 2026-01-31T00:00:00Z."));
    auditor().get(API + "/entries?limit=0").then().statusCode(400);
    auditor()
        .get(API + "/entries/999999999999")
        .then()
        .statusCode(404)
        .body("detail", equalTo("There is no audit entry with seq 999999999999."));
    auditor()
        .get(API + "/export?to=2026-01-01T00:00:00Z")
        .then()
        .statusCode(400)
        .body("detail", equalTo("`from` is required (RFC 3339, e.g. 2026-01-31T00:00:00Z)."));
    // Manifests and verifiers work in milliseconds: a finer window bound would export what they
    // cannot check.
    auditor()
        .get(API + "/export?from=2026-01-01T00:00:00.0005Z&to=2026-01-02T00:00:00Z")
        .then()
        .statusCode(400)
        .contentType(startsWith("application/problem+json"))
        .body("detail", equalTo("`from` must not be more precise than milliseconds."));
    auditor().get(API + "/checkpoints/0").then().statusCode(404);
  }

  @Test
  void exportRangesAreSignedCheckpointSizesAndAnythingElseIsAProblem() throws Exception {
    append("range-" + UUID.randomUUID(), 3);
    long first = integration.integrateNow().orElseThrow().treeSize();
    append("range-" + UUID.randomUUID(), 2);
    long second = integration.integrateNow().orElseThrow().treeSize();

    byte[] zip =
        auditor()
            .get(API + "/export?from_size=" + first + "&to_size=" + second)
            .then()
            .statusCode(200)
            .header("Hsip-Export-From-Size", String.valueOf(first))
            .header("Hsip-Export-To-Size", String.valueOf(second))
            .header("Content-Disposition", containsString("audit-" + first + "-" + second + ".zip"))
            .extract()
            .asByteArray();
    Path bundle = dir.resolve("range.zip");
    Files.write(bundle, zip);
    String gatewayKey = given().get("/api/v1/identity").then().extract().path("public_key_hex");
    VerificationReport report =
        BundleVerifier.verify(
            bundle, new BundleVerifier.Options(Ed25519PublicKey.fromHex(gatewayKey), null));
    assertThat(report.problems()).isEmpty();
    assertThat(report.passed())
        .contains(
            "the entries are exactly the leaves ["
                + first
                + ", "
                + second
                + ") of the log signed by this key: the frontier is the signed checkpoint of size "
                + first
                + ", and the entries recompute the signed checkpoint of size "
                + second);
    assertThat(report.warnings()).anyMatch(w -> w.startsWith("truncation not checked"));

    auditor()
        .get(API + "/export?from_size=" + (first - 1) + "&to_size=" + second)
        .then()
        .statusCode(400)
        .contentType(startsWith("application/problem+json"))
        .body("type", equalTo("https://hsip.io/problems/invalid-export-range"))
        .body(
            "detail",
            equalTo(
                "`from_size` is "
                    + (first - 1)
                    + ", which is not the tree size of a signed checkpoint"
                    + " (GET /api/v1/audit/checkpoints lists them; 0 is the empty tree)."));
    auditor()
        .get(API + "/export?to_size=" + (second + 1))
        .then()
        .statusCode(400)
        .body("type", equalTo("https://hsip.io/problems/invalid-export-range"));
    auditor()
        .get(API + "/export?from_size=" + second + "&to_size=" + first)
        .then()
        .statusCode(400)
        .body("type", equalTo("https://hsip.io/problems/invalid-export-range"));
    auditor()
        .get(API + "/export?from_size=0&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z")
        .then()
        .statusCode(400)
        .contentType(startsWith("application/problem+json"));
  }

  @Test
  void anEntryIsProvedAgainstItsCheckpoint() throws Exception {
    long seq = append("prover-" + UUID.randomUUID(), 1).get(0);
    auditor()
        .get(API + "/entries/" + seq)
        .then()
        .statusCode(409)
        .body(
            "detail", equalTo("Entry " + seq + " is not yet integrated into a signed checkpoint."));
    integration.integrateNow();
    Ed25519PublicKey key =
        Ed25519PublicKey.fromHex(
            auditor().get(API + "/public-key").then().extract().path("public_key_hex"));
    JsonPath proof =
        auditor().get(API + "/entries/" + seq).then().statusCode(200).extract().jsonPath();
    Checkpoint checkpoint =
        Checkpoints.parse(proof.getString("checkpoint").getBytes(StandardCharsets.UTF_8), key);
    byte[] body =
        io.hsip.policygateway.hsip.json.CanonicalJson.encode(
            new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(proof.getMap("entry")));
    assertThat(LowerHex.encode(TreeHasher.leaf(body))).isEqualTo(proof.getString("leaf_hash"));
    InclusionProofVerifier.verify(
        proof.getLong("leaf_index"),
        checkpoint.treeSize(),
        TreeHasher.leaf(body),
        hashes(proof.getList("inclusion", String.class)),
        checkpoint.rootHash());

    long older = checkpoint.treeSize();
    append("prover-" + UUID.randomUUID(), 3);
    integration.integrateNow();
    long newer =
        auditor().get(API + "/checkpoints/latest").then().extract().jsonPath().getLong("tree_size");
    JsonPath consistency =
        auditor()
            .get(API + "/consistency?first=" + older + "&second=" + newer)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    Checkpoint a =
        Checkpoints.parse(
            consistency.getString("first.checkpoint").getBytes(StandardCharsets.UTF_8), key);
    Checkpoint b =
        Checkpoints.parse(
            consistency.getString("second.checkpoint").getBytes(StandardCharsets.UTF_8), key);
    ConsistencyProofVerifier.verify(
        a.treeSize(),
        b.treeSize(),
        a.rootHash(),
        b.rootHash(),
        hashes(consistency.getList("proof", String.class)));
    // The same entry is provable against the newer checkpoint too.
    auditor()
        .get(API + "/entries/" + seq + "?tree_size=" + newer)
        .then()
        .statusCode(200)
        .body("tree_size", equalTo((int) newer));
    JsonPath page =
        auditor().get(API + "/checkpoints?limit=1").then().statusCode(200).extract().jsonPath();
    assertThat(page.getLong("checkpoints[0].tree_size")).isEqualTo(newer);
  }

  @Test
  void theExportStreamsABundleThatVerifiesOfflineAndACsv() throws Exception {
    // The previous export to prove consistency with: a checkpoint signed in this run. (The test
    // database outlives runs, and `mvn clean` regenerates the test signing key; checkpoints of an
    // older key verify only with it.)
    append("before-export", 1);
    long previous = integration.integrateNow().orElseThrow().treeSize();
    Instant from = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(1);
    String actor = "exporter-" + UUID.randomUUID();
    append(actor, 25);
    integration.integrateNow();
    Instant to = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(1);
    byte[] zip =
        auditor()
            .get(API + "/export?from=" + from + "&to=" + to + "&previous_tree_size=" + previous)
            .then()
            .statusCode(200)
            .contentType("application/zip")
            .header("Content-Disposition", startsWith("attachment;"))
            .extract()
            .asByteArray();
    Path bundle = dir.resolve("bundle.zip");
    Files.write(bundle, zip);
    String gatewayKey = given().get("/api/v1/identity").then().extract().path("public_key_hex");
    VerificationReport report =
        BundleVerifier.verify(
            bundle, new BundleVerifier.Options(Ed25519PublicKey.fromHex(gatewayKey), null));
    assertThat(report.problems()).isEmpty();
    assertThat(report.verified()).isTrue();
    assertThat(report.passed())
        .anyMatch(
            line ->
                line.startsWith(
                    "the log only grew since the previous export (tree size " + previous + " to "));

    String csv =
        auditor()
            .get(API + "/export.csv?from=" + from + "&to=" + to)
            .then()
            .statusCode(200)
            .contentType(startsWith("text/csv"))
            .extract()
            .asString();
    assertThat(csv)
        .startsWith("seq,leaf_index,time,kind,actor,action,subject,outcome,policy_version");
    assertThat(csv.lines().filter(l -> l.contains(actor)).count()).isEqualTo(25);
  }

  @Test
  void onlyAdminsEraseSubjectsAndTheErasureIsAudited() {
    log.append(AuditEntry.decision("AB3C3OQDGHS4Z6ZGMG4UWWSML3", "allow").build());
    String pseudonym =
        auditor()
            .get(API + "/entries?peer=AB3C3OQDGHS4Z6ZGMG4UWWSML3")
            .then()
            .statusCode(200)
            .extract()
            .path("entries[0].entry.subject");
    assertThat(pseudonym).matches("[0-9a-f]{64}");
    given()
        .auth()
        .oauth2(TestTokens.auditor())
        .when()
        .delete(API + "/subjects/AB3C3OQDGHS4Z6ZGMG4UWWSML3")
        .then()
        .statusCode(403);
    given()
        .auth()
        .oauth2(TestTokens.admin())
        .when()
        .delete(API + "/subjects/AB3C3OQDGHS4Z6ZGMG4UWWSML3")
        .then()
        .statusCode(204);
    given()
        .auth()
        .oauth2(TestTokens.admin())
        .when()
        .delete(API + "/subjects/AB3C3OQDGHS4Z6ZGMG4UWWSML3")
        .then()
        .statusCode(404);
    auditor()
        .get(API + "/entries?actor=alice.admin&kind=admin-change&limit=2")
        .then()
        .body("entries[0].entry.action", equalTo("audit.subject.erase"))
        .body("entries[0].entry.outcome", equalTo("no-key"))
        .body("entries[1].entry.action", equalTo("audit.subject.erase"))
        .body("entries[1].entry.outcome", equalTo("requested"))
        // The erasure names the pseudonym it made unlinkable, never the PeerID.
        .body("entries[1].entry.details.ended_pseudonym", equalTo(pseudonym))
        .body("entries[1].entry.subject", nullValue())
        .body(not(containsString("AB3C3OQDGHS4Z6ZGMG4UWWSML3")));
    auditor()
        .get(API + "/entries?peer=AB3C3OQDGHS4Z6ZGMG4UWWSML3")
        .then()
        .body("entries", hasSize(0));
  }

  @Test
  void appendMetricsArePublished() {
    append("metrics", 1);
    given()
        .when()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("hsip_audit_append_failures_total"))
        .body(containsString("hsip_audit_appended_total"))
        .body(containsString("hsip_audit_integration_lag"));
  }

  private long appendDecision(String policyVersion, String outcome, String reason) {
    return log.append(
        AuditEntry.decision(PEER, outcome)
            .policyVersion(policyVersion)
            .detail("reason", reason)
            .build());
  }

  private static List<Long> seqs(String query) {
    return auditor()
        .get(API + "/entries?" + query)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("entries.seq", Long.class);
  }

  private static io.restassured.specification.RequestSpecification auditor() {
    return given().auth().oauth2(TestTokens.auditor()).when();
  }

  private List<Long> append(String actor, int n) {
    return java.util.stream.IntStream.range(0, n)
        .mapToObj(
            i ->
                log.append(
                    AuditEntry.adminChange(actor, "policy.publish")
                        .outcome("ok")
                        .detail("policy", "p" + i)
                        .build()))
        .toList();
  }

  private static List<byte[]> hashes(List<String> hex) {
    return hex.stream().map(h -> LowerHex.decode(h, 32)).toList();
  }
}
