package io.hsip.policygateway.policy.lifecycle;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.identity.TestTokens;
import io.hsip.policygateway.policy.PolicyDocs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The policy lists page by keyset on real PostgreSQL: walking the pages of {@code /versions},
 * {@code /drafts} and {@code /approvals} returns every item exactly once, in the order each list
 * states (ties on time broken by id), and a bad limit or cursor is a 400 problem.
 */
@QuarkusTest
class PolicyListPagesTest {

  private static final String API = "/api/v1/policies";
  private static final String DIGEST = "ab".repeat(32);

  private static RequestSpecification viewer() {
    return given().auth().oauth2(TestTokens.viewer());
  }

  /**
   * Every item of a list, page by page.
   *
   * @param url the list, with its filters
   * @param items the field holding a page's items
   * @param cursor the query parameter of the cursor
   * @param idField what identifies an item
   */
  private static List<String> walk(
      String url, int limit, String items, String cursor, String idField) {
    List<String> seen = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      RequestSpecification request = viewer().queryParam("limit", limit);
      if (next != null) {
        request.queryParam(cursor, next);
      }
      JsonPath page = request.get(url).then().statusCode(200).extract().jsonPath();
      List<Object> ids = page.getList(items + "." + idField);
      assertThat(ids).hasSizeLessThanOrEqualTo(limit);
      ids.forEach(id -> seen.add(String.valueOf(id)));
      Object after = page.get("next_" + cursor);
      next = after == null ? null : String.valueOf(after);
      if (next != null) {
        assertThat(ids).as("a page with a next cursor is full").hasSize(limit);
      }
      pages++;
      assertThat(pages).as("pages walked").isLessThan(10_000);
    } while (next != null);
    return seen;
  }

  @Test
  void walkingTheVersionsOfASetReturnsEachOnceNewestFirst() {
    String set = PolicyDocs.uniqueSet();
    for (int v = 1; v <= 7; v++) {
      given()
          .auth()
          .oauth2(TestTokens.admin())
          .contentType("application/yaml")
          .body(PolicyDocs.small(set, v + "h", "").getBytes(StandardCharsets.UTF_8))
          .post(API + "/import?publish=true")
          .then()
          .statusCode(201);
    }
    String url = API + "/sets/" + set + "/versions";
    assertThat(walk(url, 3, "versions", "before", "version"))
        .containsExactly("7", "6", "5", "4", "3", "2", "1");
    assertThat(walk(url, 7, "versions", "before", "version")).hasSize(7);
    viewer()
        .get(url + "?limit=3&before=4")
        .then()
        .statusCode(200)
        .body("versions.version", org.hamcrest.Matchers.contains(3, 2, 1))
        .body("next_before", nullValue());
    viewer().get(url).then().statusCode(200).body("versions.size()", equalTo(7));
  }

  @Test
  void walkingTheDraftsReturnsEachOnceMostRecentlyEditedFirst() {
    String set = PolicyDocs.uniqueSet();
    Instant t = Instant.parse("2001-02-03T04:05:06.123456Z");
    // Two pairs share an edit time, so the id must break the tie for paging to be exact.
    List<PolicyDraft> mine =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  List<PolicyDraft> drafts = new ArrayList<>();
                  Instant[] times = {t, t, t.minusSeconds(1), t.minusSeconds(2), t.minusSeconds(2)};
                  for (Instant at : times) {
                    drafts.add(draft(set, at));
                  }
                  return drafts;
                });
    List<String> expected =
        mine.stream()
            .sorted(
                java.util.Comparator.comparing((PolicyDraft d) -> d.updatedAt)
                    .reversed()
                    .thenComparing(d -> d.id.toString()))
            .map(d -> d.id.toString())
            .toList();

    List<String> all = walk(API + "/drafts", 2, "drafts", "before", "id");
    assertThat(all).doesNotHaveDuplicates();
    assertThat(all.stream().filter(expected::contains).toList()).isEqualTo(expected);
    // The same list as one big page: nothing skipped, nothing repeated, the same order.
    assertThat(walk(API + "/drafts", 1000, "drafts", "before", "id")).isEqualTo(all);
  }

  @Test
  void walkingTheApprovalsReturnsEachOnceOldestFirst() {
    String set = PolicyDocs.uniqueSet();
    Instant t = Instant.parse("2001-02-03T04:05:06.123456Z");
    List<PolicyApproval> mine =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  List<PolicyApproval> approvals = new ArrayList<>();
                  Instant[] times = {t, t, t.plusSeconds(1), t.plusSeconds(2), t.plusSeconds(2)};
                  for (Instant at : times) {
                    approvals.add(approval(set, at));
                  }
                  return approvals;
                });
    List<String> expected =
        mine.stream()
            .sorted(
                java.util.Comparator.comparing((PolicyApproval a) -> a.requestedAt)
                    .thenComparing(a -> a.id.toString()))
            .map(a -> a.id.toString())
            .toList();

    List<String> all = walk(API + "/approvals?status=pending", 2, "approvals", "after", "id");
    assertThat(all).doesNotHaveDuplicates();
    assertThat(all.stream().filter(expected::contains).toList()).isEqualTo(expected);
    assertThat(walk(API + "/approvals?status=pending", 1000, "approvals", "after", "id"))
        .isEqualTo(all);
  }

  @Test
  void aBadLimitOrCursorIsA400Problem() {
    String set = PolicyDocs.uniqueSet();
    given()
        .auth()
        .oauth2(TestTokens.admin())
        .contentType("application/yaml")
        .body(PolicyDocs.small(set, "1h", "").getBytes(StandardCharsets.UTF_8))
        .post(API + "/import?publish=true")
        .then()
        .statusCode(201);
    String[] bad = {
      API + "/drafts?limit=0",
      API + "/drafts?limit=1001",
      API + "/drafts?before=not-a-cursor",
      API + "/drafts?before=" + "QUFB".repeat(40),
      API + "/drafts?before=MjAwMS0wMi0wM1QwNDowNTowNlogbm90LWEtdXVpZA",
      API + "/approvals?limit=0",
      API + "/approvals?after=%20",
      API + "/sets/" + set + "/versions?limit=-1",
      API + "/sets/" + set + "/versions?before=abc",
      API + "/sets/" + set + "/versions?before=0",
    };
    for (String url : bad) {
      viewer()
          .get(url)
          .then()
          .statusCode(400)
          .contentType(startsWith(Problem.MEDIA_TYPE))
          .body("type", equalTo("https://hsip.io/problems/invalid-policy-query"))
          .body("status", equalTo(400));
    }
    viewer()
        .get(API + "/drafts?limit=1001")
        .then()
        .body("detail", equalTo("`limit` must be between 1 and 1000, not 1001"));
  }

  private static PolicyDraft draft(String set, Instant at) {
    PolicyDraft draft = new PolicyDraft();
    draft.id = UUID.randomUUID();
    draft.policySet = set;
    draft.source = PolicyDocs.small(set, "1h", "");
    draft.digest = DIGEST;
    draft.revision = 1;
    draft.createdBy = "paging-test";
    draft.createdAt = at;
    draft.updatedBy = "paging-test";
    draft.updatedAt = at;
    draft.editors = new String[] {"paging-test"};
    draft.editorSubjects = new String[] {"paging-test"};
    draft.persist();
    return draft;
  }

  private static PolicyApproval approval(String set, Instant at) {
    PolicyApproval approval = new PolicyApproval();
    approval.id = UUID.randomUUID();
    approval.policySet = set;
    approval.kind = PolicyApproval.Kind.PUBLISH;
    approval.status = PolicyApproval.Status.PENDING;
    approval.source = PolicyDocs.small(set, "1h", "");
    approval.digest = DIGEST;
    approval.requestedBy = "paging-test";
    approval.requestedBySubject = "paging-test";
    approval.authors = new String[] {"paging-test"};
    approval.authorSubjects = new String[] {"paging-test"};
    approval.requestedAt = at;
    approval.persist();
    return approval;
  }
}
