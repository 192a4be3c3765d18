package io.hsip.policygateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.textfield.TextArea;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.policy.PolicyConfig;
import io.hsip.policygateway.policy.catalog.PolicyCatalog;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The policy page's editor and access rules on the real lifecycle, without a browser. */
@QuarkusTest
class PoliciesViewTest {

  @Inject PolicyCatalog catalog;
  @Inject PolicyLifecycle lifecycle;
  @Inject Instance<SecurityIdentity> identity;
  @Inject PolicyConfig config;

  private PoliciesView view() {
    // Vaadin keeps the current UI by weak reference: hold it here, or a GC can clear it mid-test.
    ui = new UI();
    UI.setCurrent(ui);
    return new PoliciesView(catalog, lifecycle, config, identity, Clock.systemUTC());
  }

  private UI ui;

  @AfterEach
  void noUi() {
    UI.setCurrent(null);
    ui = null;
  }

  private static String document(String set, String effect) {
    return String.join(
        "\n",
        "schema: hsip.io/policy/v1",
        "policy_set: " + set,
        "max_ttl: 1h",
        "timezone: UTC",
        "groups: []",
        "rules:",
        "  - id: allow-view-test",
        "    effect: " + effect,
        "    requester:",
        "      kind: external",
        "    purpose:",
        "      exact: [view.test]",
        "");
  }

  @Test
  @TestSecurity(user = "admin", roles = Roles.ADMIN)
  void anErrorIsShownAtItsLineAndNothingIsSavedThenTheFixSaves() {
    String set = "view-" + UUID.randomUUID().toString().substring(0, 8);
    PoliciesView view = view();
    TextArea yaml = ComponentTree.require(view, "draft-yaml", TextArea.class);
    int draftsBefore = catalog.drafts(null, PolicyCatalog.MAX_LIMIT).drafts().size();

    yaml.setValue(document(set, "permit"));
    view.save();

    assertThat(ComponentTree.require(view, "draft-status", Paragraph.class).getText())
        .startsWith("Not saved");
    UnorderedList findings = ComponentTree.require(view, "draft-findings", UnorderedList.class);
    assertThat(findings.getChildren().map(c -> c.getElement().getAttribute("data-line")))
        .contains("8");
    assertThat(catalog.drafts(null, PolicyCatalog.MAX_LIMIT).drafts()).hasSize(draftsBefore);

    yaml.setValue(document(set, "allow"));
    view.save();

    assertThat(ComponentTree.require(view, "draft-status", Paragraph.class).getText())
        .startsWith("Saved: draft ");
    assertThat(catalog.drafts(null, PolicyCatalog.MAX_LIMIT).drafts())
        .anySatisfy(d -> assertThat(d.policySet()).isEqualTo(set));
  }

  @Test
  @TestSecurity(user = "auditor", roles = Roles.AUDITOR)
  void auditorsReadButGetNoEditorAndCannotSave() {
    PoliciesView view = view();
    assertThat(ComponentTree.byId(view, "policies-versions")).isPresent();
    assertThat(ComponentTree.byId(view, "draft-yaml")).isEmpty();
    assertThat(ComponentTree.byId(view, "draft-publish")).isEmpty();
    // Even when called directly, the server refuses: the actor must be an admin.
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConsoleActor.admin(identity.get()))
        .isInstanceOf(io.quarkus.security.ForbiddenException.class);
  }
}
