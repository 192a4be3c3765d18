package io.hsip.policygateway.directory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.hsip.policygateway.identity.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The directory admin API over real HTTP and PostgreSQL: who may read and write, keyset paging,
 * optimistic concurrency, an all-or-nothing import that names the line of a bad entry, an export
 * that imports back unchanged, and a change refused when its audit entry cannot be written.
 */
@QuarkusTest
class DirectoryResourceTest {

  private static final String BASE = "/api/v1/directory";

  @Inject MemberDirectory directory;

  @BeforeEach
  void empty() {
    DirectoryFixture.clear();
    directory.reloadNow();
  }

  private static RequestSpecification as(String token) {
    return given().auth().oauth2(token);
  }

  private static byte[] bytes(String document) {
    return document.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static RequestSpecification admin() {
    return as(TestTokens.admin());
  }

  private static void group(String name) {
    admin()
        .contentType("application/json")
        .body(Map.of("name", name))
        .post(BASE + "/groups")
        .then()
        .statusCode(201);
  }

  private static String member(String displayName, String... groups) {
    String peer = DirectoryFixture.peerId();
    admin()
        .contentType("application/json")
        .body(Map.of("peer_id", peer, "display_name", displayName, "groups", List.of(groups)))
        .post(BASE + "/members")
        .then()
        .statusCode(201);
    return peer;
  }

  @Test
  void anonymousIs401ViewerAndAuditorReadButMayNotWriteAdminDoesBoth() {
    group("eng");
    String peer = member("Alice", "eng");
    String body = "{\"display_name\": \"Alicia\", \"groups\": [\"eng\"]}";
    for (String path : List.of("/members", "/members/" + peer, "/services", "/groups", "/export")) {
      given().get(BASE + path).then().statusCode(401);
      as(TestTokens.viewer()).get(BASE + path).then().statusCode(200);
      as(TestTokens.auditor()).get(BASE + path).then().statusCode(200);
      admin().get(BASE + path).then().statusCode(200);
    }
    given()
        .contentType("application/json")
        .body("{}")
        .post(BASE + "/groups")
        .then()
        .statusCode(401);
    for (String token : List.of(TestTokens.viewer(), TestTokens.auditor())) {
      as(token)
          .contentType("application/json")
          .body(Map.of("name", "sneaky"))
          .post(BASE + "/groups")
          .then()
          .statusCode(403)
          .contentType("application/problem+json");
      as(token)
          .contentType("application/json")
          .header("If-Match", "\"1\"")
          .body(body)
          .put(BASE + "/members/" + peer)
          .then()
          .statusCode(403);
      as(token)
          .header("If-Match", "\"1\"")
          .delete(BASE + "/members/" + peer)
          .then()
          .statusCode(403);
      as(token)
          .contentType("application/yaml")
          .body(bytes("groups: [{name: sneaky}]\n"))
          .post(BASE + "/import")
          .then()
          .statusCode(403);
    }
    assertThat(DirectoryFixture.rows("directory_group")).isEqualTo(1);

    admin()
        .contentType("application/json")
        .body(body)
        .put(BASE + "/members/" + peer)
        .then()
        .statusCode(428)
        .contentType("application/problem+json");
    admin()
        .contentType("application/json")
        .header("If-Match", "\"7\"")
        .body(body)
        .put(BASE + "/members/" + peer)
        .then()
        .statusCode(412);
    admin()
        .contentType("application/json")
        .header("If-Match", "\"1\"")
        .body(body)
        .put(BASE + "/members/" + peer)
        .then()
        .statusCode(200)
        .header("ETag", "\"2\"")
        .body("display_name", equalTo("Alicia"))
        .body("updated_by", equalTo("alice.admin"));
    admin().get(BASE + "/members/" + peer).then().statusCode(200).header("ETag", "\"2\"");
    admin().header("If-Match", "\"2\"").delete(BASE + "/members/" + peer).then().statusCode(204);
    admin()
        .get(BASE + "/members/" + peer)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    assertThat(DirectoryFixture.auditEntries("alice.admin", "directory.member.update"))
        .isPositive();
  }

  @Test
  void invalidAndConflictingWritesAreProblemsThatSayWhat() {
    group("eng");
    admin()
        .contentType("application/json")
        .body(Map.of("peer_id", "nope", "display_name", "X", "groups", List.of("ghosts")))
        .post(BASE + "/members")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("violations[0].field", equalTo("peer_id"));
    String peer = member("Bob", "eng");
    admin()
        .contentType("application/json")
        .body(Map.of("name", "chat", "peer_id", peer))
        .post(BASE + "/services")
        .then()
        .statusCode(409)
        .body("detail", containsString("already in the directory as a member"));
    admin()
        .header("If-Match", "*")
        .delete(BASE + "/groups/eng")
        .then()
        .statusCode(409)
        .body("detail", containsString("still has 1 member"));
  }

  @Test
  void membersArePagedByKeysetInDisplayNameOrder() {
    List<String> names = List.of("erin", "Dave", "carol", "Bob", "alice");
    for (String name : names) {
      member(name);
    }
    List<String> seen = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      RequestSpecification request = as(TestTokens.viewer()).queryParam("limit", 2);
      if (after != null) {
        request.queryParam("after", after);
      }
      var page = request.get(BASE + "/members").then().statusCode(200).extract().jsonPath();
      seen.addAll(page.getList("items.display_name", String.class));
      after = page.getString("next_after");
      pages++;
    } while (after != null);
    assertThat(seen).containsExactly("alice", "Bob", "carol", "Dave", "erin");
    assertThat(pages).isEqualTo(3);
    as(TestTokens.viewer())
        .queryParam("search", "AR")
        .get(BASE + "/members")
        .then()
        .statusCode(200)
        .body("items", hasSize(1))
        .body("items[0].display_name", equalTo("carol"));
    as(TestTokens.viewer()).get(BASE + "/members?after=bogus").then().statusCode(400);
    as(TestTokens.viewer()).get(BASE + "/members?limit=0").then().statusCode(400);
  }

  @Test
  void anImportWithOneBadLineIsRefusedWithThatLineAndChangesNothing() {
    group("existing");
    long groups = DirectoryFixture.rows("directory_group");
    String good = DirectoryFixture.peerId();
    String yaml =
        """
        groups:
          - name: engineering
        members:
          - peer_id: %s
            display_name: Good Member
            groups: [engineering]
          - peer_id: %s
            display_name: Bad Member
            groups: [engineering, nowhere]
        """
            .formatted(good, DirectoryFixture.peerId());
    admin()
        .contentType("application/yaml")
        .body(bytes(yaml))
        .post(BASE + "/import")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("violations", hasSize(1))
        .body("violations[0].line", equalTo(7))
        .body("violations[0].field", equalTo("/members/1/groups"))
        .body("violations[0].message", containsString("nowhere"));

    String csv =
        DirectoryDocumentsHeader.HEADER
            + "\r\n"
            + "group,ops,,,,,,\r\n"
            + "member,,"
            + good
            + ",Good,ops,,,\r\n"
            + "member,,not-a-peer,Bad,ops,,,\r\n";
    admin()
        .contentType("text/csv")
        .body(bytes(csv))
        .post(BASE + "/import")
        .then()
        .statusCode(422)
        .body("violations[0].line", equalTo(4))
        .body("violations[0].field", equalTo("peer_id"));

    assertThat(DirectoryFixture.rows("directory_group")).isEqualTo(groups);
    assertThat(DirectoryFixture.rows("directory_member")).isZero();
    assertThat(directory.identity(good)).isEmpty();
  }

  @Test
  void anExportImportsBackUnchangedAsYamlAndAsCsv() {
    group("eng");
    admin()
        .contentType("application/json")
        .body(Map.of("name", "sales", "description", "Sells, \"mostly\": things"))
        .post(BASE + "/groups")
        .then()
        .statusCode(201);
    String alice = DirectoryFixture.peerId();
    admin()
        .contentType("application/json")
        .body(
            Map.of(
                "peer_id",
                alice,
                "display_name",
                "=Alice, \"the\" admin",
                "groups",
                List.of("eng", "sales"),
                "sso_subject",
                "alice-daemon"))
        .post(BASE + "/members")
        .then()
        .statusCode(201);
    member("Bob");
    admin()
        .contentType("application/json")
        .body(
            Map.of(
                "name",
                "chat",
                "peer_id",
                DirectoryFixture.peerId(),
                "key_file",
                "/etc/hsip/chat.pem",
                "sso_subject",
                "svc-chat"))
        .post(BASE + "/services")
        .then()
        .statusCode(201);

    for (String format : List.of("yaml", "csv")) {
      String exported =
          as(TestTokens.viewer())
              .get(BASE + "/export?format=" + format)
              .then()
              .statusCode(200)
              .extract()
              .asString();
      DirectoryFixture.clear();
      directory.reloadNow();
      admin()
          .contentType(format.equals("csv") ? "text/csv" : "application/yaml")
          .body(bytes(exported))
          .post(BASE + "/import")
          .then()
          .statusCode(200)
          .body("created", equalTo(5));
      assertThat(admin().get(BASE + "/export?format=" + format).then().extract().asString())
          .isEqualTo(exported);
      // Importing it again changes nothing.
      admin()
          .contentType(format.equals("csv") ? "text/csv" : "application/yaml")
          .body(bytes(exported))
          .post(BASE + "/import")
          .then()
          .statusCode(200)
          .body("unchanged", equalTo(5));
    }
    assertThat(directory.requester(alice).groups()).isEqualTo(Set.of("eng", "sales"));
    assertThat(directory.boundTo("svc-chat").orElseThrow().name()).isEqualTo("chat");
    assertThat(DirectoryFixture.auditEntries("alice.admin", "directory.import")).isPositive();
  }

  @Test
  void anImportMaySwapSsoSubjectsAndLeavesUnchangedEntriesAsTheyAre() {
    String a = DirectoryFixture.peerId();
    String b = DirectoryFixture.peerId();
    String c = DirectoryFixture.peerId();
    String before =
        """
        members:
          - {peer_id: %s, display_name: A, sso_subject: first}
          - {peer_id: %s, display_name: B, sso_subject: second}
          - {peer_id: %s, display_name: C}
        """
            .formatted(a, b, c);
    admin()
        .contentType("application/yaml")
        .body(bytes(before))
        .post(BASE + "/import")
        .then()
        .statusCode(200)
        .body("created", equalTo(3));
    String swapped =
        """
        members:
          - {peer_id: %s, display_name: A, sso_subject: second}
          - {peer_id: %s, display_name: B, sso_subject: first}
          - {peer_id: %s, display_name: C}
        """
            .formatted(a, b, c);
    admin()
        .contentType("application/yaml")
        .body(bytes(swapped))
        .post(BASE + "/import")
        .then()
        .statusCode(200)
        .body("updated", equalTo(2))
        .body("unchanged", equalTo(1));
    assertThat(directory.boundTo("first").orElseThrow().peerId()).isEqualTo(b);
    assertThat(directory.boundTo("second").orElseThrow().peerId()).isEqualTo(a);
    admin().get(BASE + "/members/" + a).then().header("ETag", "\"2\"");
    admin().get(BASE + "/members/" + c).then().header("ETag", "\"1\"");

    // A subject held by an entry the document does not name is refused, at its line.
    admin()
        .contentType("application/yaml")
        .body(
            bytes(
                "members:\n  - {peer_id: %s, display_name: D, sso_subject: first}\n"
                    .formatted(DirectoryFixture.peerId())))
        .post(BASE + "/import")
        .then()
        .statusCode(422)
        .body("violations[0].line", equalTo(2))
        .body("violations[0].field", equalTo("/members/0/sso_subject"));
  }

  @Test
  void aWriteWhoseAuditEntryCannotBeWrittenIsRefusedAndRolledBack() {
    group("eng");
    String peer = DirectoryFixture.peerId();
    DirectoryFixture.withoutAuditInserts(
        () -> {
          admin()
              .contentType("application/json")
              .body(Map.of("peer_id", peer, "display_name", "Eve", "groups", List.of("eng")))
              .post(BASE + "/members")
              .then()
              .statusCode(503)
              .contentType("application/problem+json");
          admin()
              .contentType("application/yaml")
              .body(bytes("groups: [{name: more}]\n"))
              .post(BASE + "/import")
              .then()
              .statusCode(503);
        });
    assertThat(DirectoryFixture.rows("directory_member")).isZero();
    assertThat(DirectoryFixture.rows("directory_group")).isEqualTo(1);
    admin().get(BASE + "/members/" + peer).then().statusCode(404);
  }

  /** The CSV header, spelled out here so that a change to it breaks this test. */
  private static final class DirectoryDocumentsHeader {
    static final String HEADER =
        "kind,name,peer_id,display_name,groups,description,key_file,sso_subject";
  }
}
