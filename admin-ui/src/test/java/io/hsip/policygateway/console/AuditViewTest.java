package io.hsip.policygateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import io.hsip.policygateway.audit.AuditExports;
import io.hsip.policygateway.audit.AuditKind;
import io.hsip.policygateway.audit.AuditReader;
import io.hsip.policygateway.audit.EntryQuery;
import io.hsip.policygateway.audit.SubjectErasure;
import io.hsip.policygateway.identity.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The audit page's form and access rules, on the real services, without a browser. */
@QuarkusTest
class AuditViewTest {

  @Inject AuditReader reader;
  @Inject AuditExports exports;
  @Inject SubjectErasure erasure;
  @Inject InclusionCheck inclusion;
  @Inject Instance<SecurityIdentity> identity;

  private AuditView view() {
    // The download links need a current UI (and nothing else of a browser session).
    // Vaadin keeps the current UI by weak reference: hold it here, or a GC can clear it mid-test.
    ui = new UI();
    UI.setCurrent(ui);
    return new AuditView(reader, exports, erasure, inclusion, identity);
  }

  private UI ui;

  @AfterEach
  void noUi() {
    UI.setCurrent(null);
    ui = null;
  }

  @Test
  @TestSecurity(user = "auditor", roles = Roles.AUDITOR)
  void auditorsGetSearchVerifyAndExportButNoErasure() {
    AuditView view = view();
    assertThat(ComponentTree.byId(view, "audit-grid")).isPresent();
    assertThat(ComponentTree.byId(view, "export-bundle")).isPresent();
    assertThat(ComponentTree.byId(view, "export-csv")).isPresent();
    assertThat(ComponentTree.byId(view, "erase-subject")).isEmpty();
  }

  @Test
  @TestSecurity(user = "admin", roles = Roles.ADMIN)
  void adminsAlsoGetErasure() {
    assertThat(ComponentTree.byId(view(), "erase-subject")).isPresent();
  }

  @Test
  @TestSecurity(user = "auditor", roles = Roles.AUDITOR)
  void theFiltersBecomeTheSearch() {
    AuditView view = view();
    @SuppressWarnings("unchecked")
    Select<String> kind = ComponentTree.require(view, "audit-kind", Select.class);
    @SuppressWarnings("unchecked")
    Select<String> effect = ComponentTree.require(view, "audit-effect", Select.class);
    kind.setValue("admin-change");
    effect.setValue("deny");
    ComponentTree.require(view, "audit-actor", TextField.class).setValue("  alice ");

    EntryQuery query = view.query(42L, 50);

    assertThat(query.kind()).isEqualTo(AuditKind.ADMIN_CHANGE);
    assertThat(query.outcome()).isEqualTo("deny");
    assertThat(query.actor()).isEqualTo("alice");
    assertThat(query.peer()).isNull();
    assertThat(query.before()).isEqualTo(42L);
    assertThat(query.limit()).isEqualTo(50);
  }

  @Test
  @TestSecurity(user = "auditor", roles = Roles.AUDITOR)
  void aMalformedPeerIsExplainedAndSearchesNothing() {
    AuditView view = view();
    ComponentTree.require(view, "audit-peer", TextField.class).setValue("not-a-peer-id");
    view.refresh();
    assertThat(ComponentTree.require(view, "audit-problem", Paragraph.class).getText())
        .contains("`peer` must be a PeerID");
  }
}
