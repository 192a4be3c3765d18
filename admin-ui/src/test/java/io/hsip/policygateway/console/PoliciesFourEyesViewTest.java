package io.hsip.policygateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Paragraph;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.policy.FourEyesProfile;
import io.hsip.policygateway.policy.PolicyConfig;
import io.hsip.policygateway.policy.PolicyDocs;
import io.hsip.policygateway.policy.catalog.ApprovalView;
import io.hsip.policygateway.policy.catalog.PolicyCatalog;
import io.hsip.policygateway.policy.lifecycle.Actor;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.hsip.policygateway.policy.lifecycle.PolicyVersion;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Four-eyes publishing in the console, on the real lifecycle: a publication waits in the approvals
 * grid; another admin approves it, its requester cannot, and a rejection records its reason; an
 * import with Publish waits too.
 */
@QuarkusTest
@TestProfile(FourEyesProfile.class)
class PoliciesFourEyesViewTest {

  @Inject PolicyCatalog catalog;
  @Inject PolicyLifecycle lifecycle;
  @Inject PolicyConfig config;
  @Inject Instance<SecurityIdentity> identity;

  /** The approval grid's read-only columns: set, kind, based on, by, when, digest. */
  private static final int APPROVAL_COLUMNS = 6;

  private UI ui;

  private PoliciesView view() {
    // Vaadin keeps the current UI by weak reference: hold it here, or a GC can clear it mid-test.
    ui = new UI();
    UI.setCurrent(ui);
    return new PoliciesView(catalog, lifecycle, config, identity, Clock.systemUTC());
  }

  @AfterEach
  void noUi() {
    UI.setCurrent(null);
    ui = null;
  }

  /** Alice (subject "alice", as @TestSecurity names her) asks to publish a new set. */
  private UUID aliceRequests(String set) {
    Actor alice = Actor.person("alice", "alice");
    var draft =
        lifecycle.createDraft(alice, PolicyDocs.example(set).getBytes(StandardCharsets.UTF_8));
    var publication = lifecycle.publishDraft(alice, draft.draft().id, null);
    assertThat(publication).isInstanceOf(PolicyLifecycle.Publication.AwaitingApproval.class);
    return ((PolicyLifecycle.Publication.AwaitingApproval) publication).approval().id;
  }

  /**
   * The request as stored now: read in a transaction of its own, since the test's request-scoped
   * persistence context still holds the entity as it was first loaded.
   */
  private ApprovalView fresh(UUID request) {
    return QuarkusTransaction.requiringNew().call(() -> catalog.approval(request));
  }

  private boolean published(String set) {
    return catalog.sets().stream().anyMatch(s -> s.policySet().equals(set));
  }

  private static String status(PoliciesView view) {
    return ComponentTree.require(view, "draft-status", Paragraph.class).getText();
  }

  @SuppressWarnings("unchecked")
  private static Grid<ApprovalView> approvals(PoliciesView view) {
    return ComponentTree.require(view, "policies-approvals", Grid.class);
  }

  /** The ids of the requests the approval grid lists. */
  private static List<UUID> listed(PoliciesView view) {
    return approvals(view).getGenericDataView().getItems().map(ApprovalView::id).toList();
  }

  @Test
  @TestSecurity(user = "bob", roles = Roles.ADMIN)
  void anotherAdminApprovesAndTheVersionIsPublishedUnderBothNames() {
    String set = PolicyDocs.uniqueSet();
    UUID request = aliceRequests(set);
    PoliciesView view = view();
    assertThat(ComponentTree.require(view, "policies-four-eyes", Paragraph.class).getText())
        .startsWith("Four-eyes mode is on");
    assertThat(listed(view)).contains(request);
    assertThat(approvals(view).getColumns()).hasSize(APPROVAL_COLUMNS + 1); // Approve, Reject

    view.approve(request);

    assertThat(status(view)).isEqualTo("Approved: " + set + " v1 is in force.");
    PolicyVersion v1 = lifecycle.version(set, 1);
    assertThat(v1.publishedBy).isEqualTo("alice");
    assertThat(v1.approvedBy).isEqualTo("bob");
    assertThat(listed(view)).doesNotContain(request);
  }

  @Test
  @TestSecurity(user = "alice", roles = Roles.ADMIN)
  void theRequesterCannotApproveButMayWithdrawWithAReason() {
    String set = PolicyDocs.uniqueSet();
    UUID request = aliceRequests(set);
    PoliciesView view = view();

    view.approve(request);

    assertThat(status(view))
        .startsWith("Refused: four-eyes mode: alice requested this publication");
    assertThat(fresh(request).status()).isEqualTo("pending");
    assertThat(published(set)).isFalse();

    view.reject(request, "wrong set name");

    ApprovalView rejected = fresh(request);
    assertThat(rejected.status()).isEqualTo("rejected");
    assertThat(rejected.decidedBy()).isEqualTo("alice");
    assertThat(rejected.reason()).isEqualTo("wrong set name");
    assertThat(published(set)).isFalse();
  }

  @Test
  @TestSecurity(user = "alice", roles = Roles.ADMIN)
  void anImportWithPublishWaitsForApprovalToo() {
    String set = PolicyDocs.uniqueSet();
    PoliciesView view = view();

    view.importDocument(PolicyDocs.example(set).getBytes(StandardCharsets.UTF_8), true);

    assertThat(ComponentTree.require(view, "policy-import-status", Paragraph.class).getText())
        .startsWith("Four-eyes mode: approval request ");
    assertThat(approvals(view).getGenericDataView().getItems().map(ApprovalView::policySet))
        .contains(set);
    assertThat(published(set)).isFalse();
  }

  @Test
  @TestSecurity(user = "auditor", roles = Roles.AUDITOR)
  void auditorsSeeTheQueueButNoApproveOrImport() {
    UUID request = aliceRequests(PolicyDocs.uniqueSet());
    PoliciesView view = view();
    assertThat(listed(view)).contains(request);
    assertThat(approvals(view).getColumns()).hasSize(APPROVAL_COLUMNS); // no actions column
    assertThat(ComponentTree.byId(view, "policy-upload")).isEmpty();
    assertThat(ComponentTree.byId(view, "policy-import")).isEmpty();
  }
}
