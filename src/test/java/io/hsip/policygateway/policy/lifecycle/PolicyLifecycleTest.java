package io.hsip.policygateway.policy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.TestDatabase;
import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.hsip.Sha256;
import io.hsip.policygateway.policy.PolicyDocs;
import io.hsip.policygateway.policy.compile.Finding;
import io.hsip.policygateway.policy.compile.PolicyDiff;
import io.hsip.policygateway.policy.model.Effect;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The lifecycle on the real PostgreSQL: publish, immutability, rollback, diff, admin events. */
@QuarkusTest
class PolicyLifecycleTest {

  private static final Actor ALICE = Actor.person("f3b1c2a4-alice", "alice.admin");

  @Inject PolicyLifecycle lifecycle;

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private PolicyVersion publishNew(String document) {
    PolicyDraft draft = lifecycle.createDraft(ALICE, bytes(document)).draft();
    PolicyVersion version =
        ((PolicyLifecycle.Publication.Published)
                lifecycle.publishDraft(ALICE, draft.id, draft.revision))
            .version();
    assertThat(version).isNotNull();
    return version;
  }

  private static long lastEventId() {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                PolicyAdminEvent.<PolicyAdminEvent>find("order by id desc")
                    .firstResultOptional()
                    .map(e -> e.id)
                    .orElse(0L));
  }

  private static List<PolicyAdminEvent> eventsAfter(long id, String set) {
    return QuarkusTransaction.requiringNew().call(() -> PolicyAdminEvent.after(set, id, 100));
  }

  @Test
  void publishingCreatesVersionOneWithTheDigestOfTheCanonicalForm() {
    String set = PolicyDocs.uniqueSet();
    long before = lastEventId();
    PolicyVersion v1 = publishNew(PolicyDocs.small(set, "8h", ""));
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.publishedBy).isEqualTo(ALICE.name());
    assertThat(v1.publishedBySubject).isEqualTo(ALICE.subject());
    assertThat(v1.digest).isEqualTo(Sha256.hex(v1.canonical.getBytes(StandardCharsets.UTF_8)));
    assertThat(v1.ruleCount).isEqualTo(1);
    assertThat(v1.approvedBy).isNull();
    // The draft was consumed.
    assertThat(QuarkusTransaction.requiringNew().call(() -> PolicyDraft.count("policySet", set)))
        .isZero();

    List<PolicyAdminEvent> events = eventsAfter(before, set);
    assertThat(events).extracting(e -> e.action).containsExactly("draft.create", "publish");
    PolicyAdminEvent publish = events.get(1);
    assertThat(publish.actor).isEqualTo(ALICE.name());
    assertThat(publish.version).isEqualTo(1);
    assertThat(publish.digest).isEqualTo(v1.digest);
    assertThat(publish.detailsTree().path("rule_count").asInt()).isEqualTo(1);
    assertThat(publish.detailsTree().has("draft_id")).isTrue();
    assertThat(publish.occurredAt).isEqualTo(v1.publishedAt);
  }

  @Test
  void aVersionWithNonPrintableCharactersIsStoredInACanonicalFormThatLoadsBack() {
    String set = PolicyDocs.uniqueSet();
    PolicyVersion v1 =
        publishNew(
            PolicyDocs.small(
                set,
                "8h",
                """
        - id: awkward
          effect: deny
          purpose: {exact: [never]}
          description: "del\\x7fnel\\Nc1\\x9bls\\u2028ps\\u2029nul\\0non\\uffffend"
        """));
    // The C1 control and U+FFFF would be refused raw by the reader, so they are escaped; the rest
    // stay RFC 8785.
    assertThat(v1.canonical)
        .contains("\"del\u007fnel\u0085c1\\u009bls\u2028ps\u2029nul\\u0000non\\uffffend\"");
    // Replicas and simulation load the stored canonical form, so it must compile to the same
    // policy.
    PolicyDecision d = lifecycle.simulate(set, 1, PolicyDocs.memberChat("chat", 60_000));
    assertThat(d.effect()).isEqualTo(Effect.ALLOW);
    assertThat(d.policy().digest()).isEqualTo(v1.digest);
  }

  @Test
  void publishedVersionsAreImmutableInTheDatabase() throws SQLException {
    String set = PolicyDocs.uniqueSet();
    publishNew(PolicyDocs.small(set, "8h", ""));
    for (String sql :
        List.of(
            "UPDATE policy_version SET source = 'tampered' WHERE policy_set = '" + set + "'",
            "UPDATE policy_version SET digest = repeat('0', 64) WHERE policy_set = '" + set + "'",
            "DELETE FROM policy_version WHERE policy_set = '" + set + "'",
            "TRUNCATE policy_version CASCADE")) {
      refusedToBothRoles(sql, "published policy versions are immutable");
    }
    PolicyVersion stored =
        QuarkusTransaction.requiringNew().call(() -> PolicyVersion.find(set, 1).orElseThrow());
    assertThat(stored.source).contains("policy_set: " + set);
  }

  @Test
  void adminEventsAreAppendOnly() throws SQLException {
    String set = PolicyDocs.uniqueSet();
    publishNew(PolicyDocs.small(set, "8h", ""));
    refusedToBothRoles(
        "UPDATE policy_admin_event SET actor = 'mallory' WHERE policy_set = '" + set + "'",
        "policy admin events are append-only");
    refusedToBothRoles(
        "DELETE FROM policy_admin_event WHERE policy_set = '" + set + "'",
        "policy admin events are append-only");
  }

  /**
   * The gateway's own role has no privilege for {@code sql} at all; the owner has, and the trigger
   * refuses it with {@code message}, so the rows are safe whoever connects.
   */
  private static void refusedToBothRoles(String sql, String message) throws SQLException {
    try (Connection runtime = TestDatabase.runtime();
        Statement s = runtime.createStatement()) {
      assertThatThrownBy(() -> s.execute(sql))
          .as(sql)
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"))
          .hasMessageContaining("permission denied for table");
    }
    try (Connection owner = TestDatabase.owner();
        Statement s = owner.createStatement()) {
      assertThatThrownBy(() -> s.execute(sql)).as(sql).hasMessageContaining(message);
    }
  }

  @Test
  void rollbackRepublishesAnEarlierVersionAsTheNextOne() {
    String set = PolicyDocs.uniqueSet();
    PolicyVersion v1 = publishNew(PolicyDocs.small(set, "8h", ""));
    PolicyVersion v2 = publishNew(PolicyDocs.small(set, "1h", ""));
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.digest).isNotEqualTo(v1.digest);

    long before = lastEventId();
    PolicyVersion v3 =
        ((PolicyLifecycle.Publication.Published)
                lifecycle.rollback(Actor.person("bob.admin", "bob.admin"), set, 1))
            .version();
    assertThat(v3).isNotNull();
    assertThat(v3.version()).isEqualTo(3);
    assertThat(v3.digest).isEqualTo(v1.digest);
    assertThat(v3.source).isEqualTo(v1.source);
    assertThat(v3.rolledBackFrom).isEqualTo(1);
    assertThat(v3.publishedBy).isEqualTo("bob.admin");
    assertThat(
            QuarkusTransaction.requiringNew()
                .call(() -> PolicyVersion.latest(set).orElseThrow().version()))
        .isEqualTo(3);
    assertThat(eventsAfter(before, set))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.action).isEqualTo("rollback");
              assertThat(e.actor).isEqualTo("bob.admin");
              assertThat(e.version).isEqualTo(3);
              assertThat(e.detailsTree().path("rollback_to").asInt()).isEqualTo(1);
            });

    // Rolling back to what is already in force changes nothing.
    assertThatThrownBy(() -> lifecycle.rollback(ALICE, set, 1))
        .isInstanceOf(ProblemException.class)
        .hasFieldOrPropertyWithValue("problemType", PolicyProblems.CONFLICT)
        .hasMessage(
            "the document is identical to version 3 of "
                + set
                + ", which is in force; there is nothing to publish");
    assertThatThrownBy(() -> lifecycle.rollback(ALICE, set, 9))
        .isInstanceOf(ProblemException.class)
        .hasFieldOrPropertyWithValue("problemType", PolicyProblems.NOT_FOUND)
        .hasMessage("policy set " + set + " has no version 9");
  }

  @Test
  void publishingTheVersionInForceAgainIsAConflict() {
    String set = PolicyDocs.uniqueSet();
    publishNew(PolicyDocs.small(set, "8h", ""));
    PolicyDraft same =
        lifecycle
            .createDraft(
                ALICE, bytes("# only a comment differs\n" + PolicyDocs.small(set, "8h", "")))
            .draft();
    assertThatThrownBy(() -> lifecycle.publishDraft(ALICE, same.id, 1))
        .isInstanceOf(ProblemException.class)
        .hasFieldOrPropertyWithValue("problemType", PolicyProblems.CONFLICT)
        .hasMessage(
            "the document is identical to version 1 of "
                + set
                + ", which is in force; there is nothing to publish");
    // The failed publish rolled back: the draft is still there.
    PolicyDraft kept = QuarkusTransaction.requiringNew().call(() -> PolicyDraft.findById(same.id));
    assertThat(kept).isNotNull();
  }

  @Test
  void theDiffBetweenAnyTwoVersionsIsRuleLevel() {
    String set = PolicyDocs.uniqueSet();
    publishNew(PolicyDocs.small(set, "8h", ""));
    publishNew(
        PolicyDocs.small(
            set,
            "8h",
            """
        - id: support-tickets
          effect: allow
          purpose: {prefixes: [support.]}
        """));
    publishNew(
        PolicyDocs.small(
            set,
            "2h",
            """
        - id: support-tickets
          effect: allow
          purpose: {prefixes: [support.]}
          ttl_cap: 30m
        """));
    PolicyDiff oneToThree = lifecycle.diff(set, 1, 3);
    assertThat(oneToThree.added())
        .extracting(PolicyDiff.RuleChange::ruleId)
        .containsExactly("support-tickets");
    assertThat(oneToThree.changed())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.ruleId()).isEqualTo("members-chat");
              assertThat(c.fields())
                  .extracting(PolicyDiff.FieldChange::pointer)
                  .containsExactly("/ttl_cap");
            });
    PolicyDiff threeToTwo = lifecycle.diff(set, 3, 2);
    assertThat(threeToTwo.changed())
        .extracting(PolicyDiff.RuleChange::ruleId)
        .containsExactly("members-chat", "support-tickets");
    assertThat(lifecycle.diff(set, 2, 2).isEmpty()).isTrue();
    assertThatThrownBy(
            () ->
                lifecycle.diff("no-such-set-" + UUID.randomUUID().toString().substring(0, 8), 1, 2))
        .isInstanceOf(ProblemException.class)
        .hasFieldOrPropertyWithValue("problemType", PolicyProblems.NOT_FOUND)
        .hasMessageStartingWith("there is no policy set no-such-set-");
  }

  @Test
  void aBrokenDocumentIsRefusedWithPreciseErrorsAndLeavesThePublishedVersionAlone() {
    String set = PolicyDocs.uniqueSet();
    PolicyVersion v1 = publishNew(PolicyDocs.small(set, "8h", ""));
    long before = lastEventId();
    String broken =
        PolicyDocs.small(
            set,
            "8h",
            """
        - id: typo
          effect: allow
          requester: {groups_any: [finanse]}
          condition: requester.reputation > "high"
        """);
    assertThatThrownBy(() -> lifecycle.importDocument(ALICE, bytes(broken), true))
        .isInstanceOfSatisfying(
            InvalidPolicyException.class,
            e -> {
              assertThat(e.errors())
                  .extracting(Finding::code, Finding::line, Finding::ruleId)
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple("unknown-group", 15, "typo"),
                      org.assertj.core.groups.Tuple.tuple("cel", 16, "typo"));
              assertThat(e.violations())
                  .first()
                  .satisfies(
                      v -> {
                        assertThat(v.field()).isEqualTo("/rules/1/requester/groups_any/0");
                        assertThat(v.rule()).isEqualTo("typo");
                        assertThat(v.line()).isEqualTo(15);
                        assertThat(v.column()).isEqualTo(30);
                      });
            });
    PolicyVersion latest =
        QuarkusTransaction.requiringNew().call(() -> PolicyVersion.latest(set).orElseThrow());
    assertThat(latest.version()).isEqualTo(1);
    assertThat(latest.digest).isEqualTo(v1.digest);
    assertThat(eventsAfter(before, set)).isEmpty();
  }

  @Test
  void draftsUpdateWithOptimisticRevisionsAndEveryChangeIsAnEvent() {
    String set = PolicyDocs.uniqueSet();
    long before = lastEventId();
    PolicyDraft draft =
        lifecycle.createDraft(ALICE, bytes(PolicyDocs.small(set, "8h", ""))).draft();
    assertThat(draft.revision).isEqualTo(1);
    PolicyDraft updated =
        lifecycle
            .updateDraft(
                Actor.person("bob.admin", "bob.admin"),
                draft.id,
                1,
                bytes(PolicyDocs.small(set, "4h", "")))
            .draft();
    assertThat(updated.revision).isEqualTo(2);
    assertThat(updated.updatedBy).isEqualTo("bob.admin");
    assertThatThrownBy(
            () -> lifecycle.updateDraft(ALICE, draft.id, 1, bytes(PolicyDocs.small(set, "2h", ""))))
        .isInstanceOf(ProblemException.class)
        .hasFieldOrPropertyWithValue("problemType", PolicyProblems.STALE_DRAFT)
        .hasMessage(
            "draft "
                + draft.id
                + " is at revision 2, not 1; reload it and apply your change again");
    assertThatThrownBy(
            () ->
                lifecycle.updateDraft(
                    ALICE, draft.id, null, bytes(PolicyDocs.small("other-set", "2h", ""))))
        .isInstanceOf(ProblemException.class)
        .hasFieldOrPropertyWithValue("problemType", PolicyProblems.CONFLICT);
    lifecycle.deleteDraft(ALICE, draft.id, null);
    assertThatThrownBy(() -> lifecycle.draft(draft.id))
        .isInstanceOf(ProblemException.class)
        .hasFieldOrPropertyWithValue("problemType", PolicyProblems.NOT_FOUND);
    assertThat(eventsAfter(before, set))
        .extracting(e -> e.action + " by " + e.actor)
        .containsExactly(
            "draft.create by alice.admin",
            "draft.update by bob.admin",
            "draft.delete by alice.admin");
  }

  @Test
  void anyVersionCanBeSimulatedWithItsExplanation() {
    String set = PolicyDocs.uniqueSet();
    publishNew(PolicyDocs.small(set, "8h", ""));
    publishNew(PolicyDocs.small(set, "1h", ""));
    PolicyDecision v1 = lifecycle.simulate(set, 1, PolicyDocs.memberChat("chat", 3 * 3_600_000L));
    PolicyDecision v2 = lifecycle.simulate(set, 2, PolicyDocs.memberChat("chat", 3 * 3_600_000L));
    assertThat(v1.effect()).isEqualTo(Effect.ALLOW);
    assertThat(v1.grantedTtlMs()).isEqualTo(3 * 3_600_000L);
    assertThat(v2.grantedTtlMs()).isEqualTo(3_600_000L);
    assertThat(v2.policy().version()).isEqualTo(2);
    assertThat(v2.explanation()).contains("Policy " + set + " v2 (sha256:");
  }

  @Test
  void eventsPageByIdInCommitOrder() {
    String set = PolicyDocs.uniqueSet();
    long before = lastEventId();
    publishNew(PolicyDocs.small(set, "8h", ""));
    publishNew(PolicyDocs.small(set, "4h", ""));
    List<PolicyAdminEvent> firstPage =
        QuarkusTransaction.requiringNew().call(() -> PolicyAdminEvent.after(set, before, 3));
    assertThat(firstPage).hasSize(3);
    List<PolicyAdminEvent> secondPage =
        QuarkusTransaction.requiringNew()
            .call(() -> PolicyAdminEvent.after(set, firstPage.getLast().id, 3));
    assertThat(secondPage).hasSize(1);
    assertThat(firstPage.getFirst().id)
        .isLessThan(firstPage.getLast().id)
        .isLessThan(secondPage.getFirst().id);
  }
}
