package io.hsip.policygateway.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.TestDatabase;
import io.hsip.policygateway.audit.AuditAppendException;
import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.policy.model.RequesterKind;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The directory against the real database: members, services and outside peers as the pipeline sees
 * them, the uniqueness rules, a change reaching a second replica's copy by NOTIFY within a second,
 * fail-closed lookups, and changes that roll back when their audit entry cannot be written.
 */
@QuarkusTest
class MemberDirectoryTest {

  private static final String ACTOR = "alice-admin";

  @Inject DirectoryAdmin admin;
  @Inject MemberDirectory directory;

  @BeforeEach
  void empty() {
    DirectoryFixture.clear();
    directory.reloadNow();
  }

  @Test
  void membersServicesAndOutsidersAreTheFactsPoliciesSee() {
    admin.createGroup(ACTOR, new Group("engineering", "builds things"));
    admin.createGroup(ACTOR, new Group("sales", null));
    String alice = DirectoryFixture.peerId();
    String chat = DirectoryFixture.peerId();
    String stranger = DirectoryFixture.peerId();
    admin.createMember(
        ACTOR, new Member(alice, "Alice Example", Set.of("engineering", "sales"), "alice-daemon"));
    admin.createService(ACTOR, new Service("chat", chat, "/etc/hsip/chat.pem", "svc-chat"));

    RequesterFacts member = directory.requester(alice);
    assertThat(member.kind()).isEqualTo(RequesterKind.MEMBER);
    assertThat(member.groups()).containsExactlyInAnyOrder("engineering", "sales");
    RequesterFacts service = directory.requester(chat);
    assertThat(service.kind()).isEqualTo(RequesterKind.MEMBER);
    assertThat(service.groups()).isEmpty();
    assertThat(directory.requester(stranger)).isEqualTo(RequesterFacts.external(stranger));

    assertThat(directory.identity(chat))
        .contains(
            new DirectoryIdentity(
                chat, DirectoryIdentity.Kind.SERVICE, "chat", Set.of(), "/etc/hsip/chat.pem"));
    assertThat(directory.identity(alice).orElseThrow().name()).isEqualTo("Alice Example");
    assertThat(directory.identity(stranger)).isEmpty();
    assertThat(directory.boundTo("svc-chat").orElseThrow().peerId()).isEqualTo(chat);
    assertThat(directory.boundTo("alice-daemon").orElseThrow().peerId()).isEqualTo(alice);
    assertThat(directory.boundTo("nobody")).isEmpty();

    // A change is visible to this replica as soon as the write returns.
    admin.updateMember(ACTOR, new Member(alice, "Alice Example", Set.of("sales"), null), 1);
    assertThat(directory.requester(alice).groups()).containsExactly("sales");
    assertThat(directory.boundTo("alice-daemon")).isEmpty();
    admin.deleteMember(ACTOR, alice, 2);
    assertThat(directory.requester(alice).kind()).isEqualTo(RequesterKind.EXTERNAL);

    assertThat(DirectoryFixture.auditEntries(ACTOR, "directory.member.create")).isPositive();
    assertThat(DirectoryFixture.auditEntries(ACTOR, "directory.member.update")).isPositive();
    assertThat(DirectoryFixture.auditEntries(ACTOR, "directory.member.delete")).isPositive();
    assertThat(DirectoryFixture.auditEntries(ACTOR, "directory.service.create")).isPositive();
  }

  @Test
  void readinessReportsTheDirectory() {
    io.restassured.RestAssured.given()
        .get("/q/health/ready")
        .then()
        .body(
            "checks.find { it.name == 'member directory' }.status",
            org.hamcrest.Matchers.equalTo("UP"));
  }

  @Test
  void peerIdsAndSsoSubjectsAreUniqueAcrossMembersAndServicesAndGroupsMustExist() {
    admin.createGroup(ACTOR, new Group("ops", null));
    String shared = DirectoryFixture.peerId();
    admin.createService(ACTOR, new Service("files", shared, null, "svc-files"));

    assertThatThrownBy(
            () -> admin.createMember(ACTOR, new Member(shared, "Bob", Set.of("ops"), null)))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.getMessage()).contains("already in the directory as a service");
            });
    assertThatThrownBy(
            () ->
                admin.createMember(
                    ACTOR, new Member(DirectoryFixture.peerId(), "Bob", Set.of(), "svc-files")))
        .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(409));
    assertThatThrownBy(
            () ->
                admin.createMember(
                    ACTOR,
                    new Member(DirectoryFixture.peerId(), "Bob", Set.of("ops", "nope"), null)))
        .isInstanceOfSatisfying(
            InvalidDirectoryEntryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(422);
              assertThat(e.violations().getFirst().field()).isEqualTo("groups");
              assertThat(e.violations().getFirst().message()).contains("nope");
            });
    assertThatThrownBy(
            () -> admin.createMember(ACTOR, new Member("not-a-peer-id", " Bob", Set.of("Ops"), "")))
        .isInstanceOfSatisfying(
            InvalidDirectoryEntryException.class,
            e ->
                assertThat(e.violations())
                    .extracting(v -> v.field())
                    .containsExactly("peer_id", "display_name", "groups", "sso_subject"));
    assertThat(DirectoryFixture.rows("directory_member")).isZero();
  }

  @Test
  void aChangeReachesASecondReplicaByNotifyWithinASecond() throws Exception {
    MemberDirectory second =
        new MemberDirectory(
            "second",
            timing(Duration.ofSeconds(30)),
            Duration.ofMinutes(2),
            TestDatabase::runtime,
            TestDatabase::runtime);
    second.start();
    try {
      awaitLoaded(second);
      String peer = DirectoryFixture.peerId();
      admin.createMember(ACTOR, new Member(peer, "Carol", Set.of(), null));
      long committed = System.nanoTime();
      while (second.identity(peer).isEmpty()) {
        assertThat(Duration.ofNanos(System.nanoTime() - committed))
            .as("the second replica sees the new member within a second (no poll for 30 s)")
            .isLessThan(Duration.ofSeconds(1));
        Thread.sleep(5);
      }
      assertThat(second.requester(peer).kind()).isEqualTo(RequesterKind.MEMBER);
    } finally {
      second.close();
    }
  }

  @Test
  void lookupsFailClosedBeforeTheFirstLoadAndWhenStaleWithTheDatabaseGone() throws Exception {
    MemberDirectory never =
        new MemberDirectory(
            "never",
            timing(Duration.ofMillis(100)),
            Duration.ofMillis(300),
            DirectoryFixtureSources::refuse,
            DirectoryFixtureSources::refuse);
    never.start();
    try {
      Thread.sleep(200);
      assertThatThrownBy(() -> never.requester(DirectoryFixture.peerId()))
          .isInstanceOf(DirectoryUnavailableException.class)
          .hasMessageContaining("not been loaded");
      assertThat(never.unavailableReason()).isPresent();
    } finally {
      never.close();
    }

    AtomicBoolean databaseUp = new AtomicBoolean(true);
    DirectoryFixtureSources sources = new DirectoryFixtureSources(databaseUp);
    MemberDirectory flaky =
        new MemberDirectory(
            "flaky",
            timing(Duration.ofMillis(100)),
            Duration.ofMillis(400),
            sources::open,
            sources::open);
    flaky.start();
    try {
      awaitLoaded(flaky);
      String outsider = DirectoryFixture.peerId();
      assertThat(flaky.requester(outsider).kind()).isEqualTo(RequesterKind.EXTERNAL);
      databaseUp.set(false);
      sources.closeAll();
      Thread.sleep(700);
      assertThatThrownBy(() -> flaky.requester(outsider))
          .isInstanceOf(DirectoryUnavailableException.class)
          .hasMessageContaining("could not be refreshed");
      assertThatThrownBy(() -> flaky.boundTo("anyone"))
          .isInstanceOf(DirectoryUnavailableException.class);
      databaseUp.set(true);
      awaitLoaded(flaky);
      assertThat(flaky.requester(outsider).kind()).isEqualTo(RequesterKind.EXTERNAL);
    } finally {
      flaky.close();
    }
  }

  @Test
  void manyConcurrentChangesAllCommitWithOneAuditEntryEach() throws Exception {
    String actor = "concurrent-" + DirectoryFixture.peerId();
    int changes = 48; // more than the pool's 32 connections
    List<java.util.concurrent.Future<Member>> done = new java.util.ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(changes)) {
      for (int i = 0; i < changes; i++) {
        String name = "Member " + i;
        done.add(
            pool.submit(
                () ->
                    admin.createMember(
                        actor, new Member(DirectoryFixture.peerId(), name, Set.of(), null))));
      }
      for (var change : done) {
        change.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
    assertThat(DirectoryFixture.rows("directory_member")).isEqualTo(changes);
    assertThat(DirectoryFixture.auditEntries(actor, "directory.member.create")).isEqualTo(changes);
    assertThat(directory.size()).isEqualTo(changes);
  }

  @Test
  void aChangeWhoseAuditEntryCannotBeWrittenIsRolledBack() {
    admin.createGroup(ACTOR, new Group("ops", null));
    String peer = DirectoryFixture.peerId();
    DirectoryFixture.withoutAuditInserts(
        () ->
            assertThatThrownBy(
                    () -> admin.createMember(ACTOR, new Member(peer, "Dan", Set.of("ops"), null)))
                .isInstanceOf(AuditAppendException.class));
    assertThat(DirectoryFixture.rows("directory_member")).isZero();
    assertThat(DirectoryFixture.rows("directory_peer")).isZero();
    assertThat(directory.identity(peer)).isEmpty();
    // With the log back, the same change goes through.
    admin.createMember(ACTOR, new Member(peer, "Dan", Set.of("ops"), null));
    assertThat(directory.identity(peer)).isPresent();
  }

  private static void awaitLoaded(MemberDirectory d) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (d.unavailableReason().isPresent()) {
      assertThat(System.nanoTime()).as("loaded within 10 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  static DirectoryConfig.Reload timing(Duration poll) {
    return new DirectoryConfig.Reload() {
      @Override
      public boolean enabled() {
        return true;
      }

      @Override
      public Duration pollInterval() {
        return poll;
      }

      @Override
      public Duration reconnectDelay() {
        return Duration.ofMillis(50);
      }

      @Override
      public Duration networkTimeout() {
        return Duration.ofSeconds(2);
      }
    };
  }

  /** Connections to the test database that can be cut (as if it went away) and restored. */
  static final class DirectoryFixtureSources {
    private final AtomicBoolean up;
    private final java.util.List<java.sql.Connection> opened =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    DirectoryFixtureSources(AtomicBoolean up) {
      this.up = up;
    }

    static java.sql.Connection refuse() throws SQLException {
      throw new SQLException("connection refused (test)", "08001");
    }

    java.sql.Connection open() throws SQLException {
      if (!up.get()) {
        return refuse();
      }
      java.sql.Connection c = TestDatabase.runtime();
      opened.add(c);
      return c;
    }

    void closeAll() throws SQLException {
      synchronized (opened) {
        for (java.sql.Connection c : opened) {
          c.close();
        }
        opened.clear();
      }
    }
  }
}
