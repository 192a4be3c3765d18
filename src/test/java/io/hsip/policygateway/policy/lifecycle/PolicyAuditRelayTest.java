package io.hsip.policygateway.policy.lifecycle;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.hsip.Sha256;
import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.policy.PolicyDocs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every policy change reaches the tamper-evident audit log as an admin-change entry with its SSO
 * actor.
 */
@QuarkusTest
class PolicyAuditRelayTest {

  @Inject PolicyLifecycle lifecycle;
  @Inject PolicyAuditRelay relay;

  @Test
  void publishAndRollbackBecomeAuditEntriesWithActorAndEventId() throws Exception {
    String set = "relay-" + UUID.randomUUID().toString().substring(0, 8);
    String actor = "relay." + set;
    PolicyDraft draft =
        lifecycle
            .createDraft(
                Actor.person(actor, actor),
                PolicyDocs.small(set, "8h", "").getBytes(StandardCharsets.UTF_8))
            .draft();
    PolicyVersion v1 =
        ((PolicyLifecycle.Publication.Published)
                lifecycle.publishDraft(Actor.person(actor, actor), draft.id, 1))
            .version();
    PolicyDraft second =
        lifecycle
            .createDraft(
                Actor.person(actor, actor),
                PolicyDocs.small(set, "4h", "").getBytes(StandardCharsets.UTF_8))
            .draft();
    lifecycle.publishDraft(Actor.person(actor, actor), second.id, 1);
    lifecycle.rollback(Actor.person("other." + set, "other." + set), set, 1);

    List<PolicyAdminEvent> events =
        QuarkusTransaction.requiringNew()
            .call(() -> PolicyAdminEvent.<PolicyAdminEvent>list("policySet = ?1 order by id", set));
    assertThat(events)
        .extracting(e -> e.action)
        .containsExactly("draft.create", "publish", "draft.create", "publish", "rollback");

    List<Map<String, Object>> entries = awaitEntries(actor, 4);
    assertThat(entries)
        .extracting(e -> e.get("action"))
        .containsExactly(
            "policy.publish", "policy.draft.create", "policy.publish", "policy.draft.create");
    Map<String, Object> publish = entries.get(2);
    PolicyAdminEvent publishEvent = events.get(1);
    assertThat(publish.get("kind")).isEqualTo("admin-change");
    assertThat(publish.get("actor")).isEqualTo(actor);
    assertThat(publish.get("policy_version")).isEqualTo(v1.digest);
    @SuppressWarnings("unchecked")
    Map<String, String> details = (Map<String, String>) publish.get("details");
    assertThat(details)
        .containsEntry("policy_event_id", publishEvent.id.toString())
        .containsEntry("policy_set", set)
        .containsEntry("version", "1")
        .containsEntry(
            "details_sha256", Sha256.hex(publishEvent.details.getBytes(StandardCharsets.UTF_8)));

    assertThat(awaitEntries("other." + set, 1))
        .extracting(e -> e.get("action"))
        .containsExactly("policy.rollback");
  }

  @Test
  void relayingAgainNeverDuplicatesAnEvent() throws Exception {
    String set = "relay-" + UUID.randomUUID().toString().substring(0, 8);
    String actor = "relay." + set;
    lifecycle.createDraft(
        Actor.person(actor, actor),
        PolicyDocs.small(set, "8h", "").getBytes(StandardCharsets.UTF_8));
    assertThat(awaitEntries(actor, 1)).hasSize(1);
    for (int i = 0; i < 3; i++) {
      relay.relayPending();
    }
    assertThat(entries(actor)).hasSize(1);
  }

  @Test
  void freeTextIsCleanedAndCutAtACodePointBoundary() {
    String emojiAtTheCut = "r".repeat(252) + "\uD83D\uDE00" + "tail".repeat(20);
    String cut = PolicyAuditRelay.clean(emojiAtTheCut);
    assertThat(cut).hasSizeLessThanOrEqualTo(256).endsWith("...");
    assertThat(
            cut.codePoints()
                .noneMatch(cp -> Character.isBmpCodePoint(cp) && Character.isSurrogate((char) cp)))
        .isTrue();
    assertThat(PolicyAuditRelay.clean("a\uD800b\u0000c\nd")).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd");
    assertThat(PolicyAuditRelay.clean("")).isEqualTo("\"\"");
    assertThat(PolicyAuditRelay.clean("x".repeat(256))).isEqualTo("x".repeat(256));
  }

  @Test
  void anEventThatCannotBeAnEntryIsRecordedByIdAndDigest() {
    PolicyAdminEvent broken = new PolicyAdminEvent();
    broken.id = 42L;
    broken.occurredAt = java.time.Instant.parse("2026-01-31T00:00:00Z");
    broken.actor = "alice.admin";
    broken.action = "publish";
    broken.details = "not json";
    var entry = relay.entryOrPlaceholder(broken);
    assertThat(entry.action()).isEqualTo("policy.event.unrecordable");
    assertThat(entry.outcome()).isEqualTo("failed");
    assertThat(entry.details())
        .containsEntry("policy_event_id", "42")
        .containsEntry("details_sha256", Sha256.hex("not json".getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Audit entries of {@code actor}, newest first, once at least {@code count} have been relayed.
   */
  private List<Map<String, Object>> awaitEntries(String actor, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<Map<String, Object>> entries = List.of();
    while (System.nanoTime() < deadline) {
      relay.relayPending();
      entries = entries(actor);
      if (entries.size() >= count) {
        return entries;
      }
      Thread.sleep(50);
    }
    return entries;
  }

  private static List<Map<String, Object>> entries(String actor) {
    JsonPath page =
        given()
            .auth()
            .oauth2(TestTokens.auditor())
            .when()
            .get("/api/v1/audit/entries?kind=admin-change&actor=" + actor)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    return page.getList("entries.entry");
  }
}
