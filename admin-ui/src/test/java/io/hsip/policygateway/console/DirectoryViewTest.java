package io.hsip.policygateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.textfield.TextField;
import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.directory.DirectoryAdmin;
import io.hsip.policygateway.directory.DirectoryConfig;
import io.hsip.policygateway.directory.DirectoryFixture;
import io.hsip.policygateway.directory.DirectoryFormat;
import io.hsip.policygateway.directory.DirectoryTransfer;
import io.hsip.policygateway.directory.MemberEntry;
import io.hsip.policygateway.identity.Roles;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The directory page's dialogs, import and access rules on the real directory and audit log,
 * without a browser. Names are unique per test, so other tests' directory contents do not matter.
 */
@QuarkusTest
class DirectoryViewTest {

  @Inject DirectoryAdmin directory;
  @Inject DirectoryTransfer transfer;
  @Inject DirectoryConfig config;
  @Inject Instance<SecurityIdentity> identity;

  @ConfigProperty(name = "quarkus.http.limits.max-body-size")
  MemorySize bodyLimit;

  private UI ui;

  private DirectoryView view() {
    // Vaadin keeps the current UI by weak reference: hold it here, or a GC can clear it mid-test.
    ui = new UI();
    UI.setCurrent(ui);
    return new DirectoryView(directory, transfer, config, bodyLimit, identity);
  }

  @AfterEach
  void noUi() {
    UI.setCurrent(null);
    ui = null;
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String text(Component root, String id) {
    return ComponentTree.require(root, id, Paragraph.class).getText();
  }

  private static void fill(Component root, String id, String value) {
    ComponentTree.require(root, id, TextField.class).setValue(value);
  }

  @Test
  @TestSecurity(user = "admin", roles = Roles.ADMIN)
  void anAdminAddsAndEditsEntriesThroughTheDialogsAndEachChangeIsAuditedUnderTheirName() {
    DirectoryView view = view();
    String group = unique("view");
    long groupsCreated = DirectoryFixture.auditEntries("admin", "directory.group.create");

    DirectoryView.EditDialog addGroup = view.editGroup(null);
    fill(addGroup, "group-name", group);
    fill(addGroup, "group-description", "Made in the console");
    addGroup.save();

    assertThat(directory.group(group).description()).isEqualTo("Made in the console");
    assertThat(DirectoryFixture.auditEntries("admin", "directory.group.create"))
        .isEqualTo(groupsCreated + 1);

    String peer = DirectoryFixture.peerId();
    DirectoryView.EditDialog addMember = view.editMember(null);
    fill(addMember, "member-peer-id", peer);
    fill(addMember, "member-name", "Dora " + group);
    fill(addMember, "member-groups", " " + group + " ");
    addMember.save();
    assertThat(directory.member(peer).groups()).containsExactly(group);

    DirectoryView.EditDialog edit = view.editMember(directory.member(peer));
    assertThat(ComponentTree.require(edit, "member-peer-id", TextField.class).isReadOnly())
        .isTrue();
    fill(edit, "member-name", "Dora Renamed " + group);
    edit.save();
    MemberEntry renamed = directory.member(peer);
    assertThat(renamed.displayName()).isEqualTo("Dora Renamed " + group);
    assertThat(renamed.revision()).isEqualTo(2);
    assertThat(renamed.updatedBy()).isEqualTo("admin");

    // The search box becomes the grid's keyset query.
    fill(view, "members-search", "Dora Renamed " + group);
    view.refreshMembers();
    @SuppressWarnings("unchecked")
    Grid<MemberEntry> grid = ComponentTree.require(view, "members-grid", Grid.class);
    assertThat(grid.getLazyDataView().getItems().map(MemberEntry::peerId)).containsExactly(peer);

    view.editMember(renamed).delete();
    assertThatThrownBy(() -> directory.member(peer)).isInstanceOf(ProblemException.class);
  }

  @Test
  @TestSecurity(user = "admin", roles = Roles.ADMIN)
  void anInvalidEntryIsExplainedInTheDialogAndNothingIsStored() {
    DirectoryView.EditDialog dialog = view().editMember(null);
    fill(dialog, "member-peer-id", "not-a-peer-id");
    fill(dialog, "member-name", "Nobody");
    dialog.save();

    assertThat(text(dialog, "member-dialog-status")).startsWith("Not saved:");
    assertThat(
            ComponentTree.require(dialog, "member-dialog-violations", UnorderedList.class)
                .getChildren()
                .map(c -> c.getElement().getText()))
        .anySatisfy(v -> assertThat(v).contains("peer_id"));
    assertThat(directory.members("Nobody", null, null, 10).items()).isEmpty();
  }

  @Test
  @TestSecurity(user = "admin", roles = Roles.ADMIN)
  void anImportWithABadLineNamesThatLineAndChangesNothingThenTheFixedOneApplies() {
    DirectoryView view = view();
    String group = unique("import");
    String good = DirectoryFixture.peerId();
    String bad =
        """
        groups:
          - name: %s
        members:
          - peer_id: %s
            display_name: Good Member
            groups: [%s]
          - peer_id: %s
            display_name: Bad Member
            groups: [%s, nowhere-at-all]
        """
            .formatted(group, good, group, DirectoryFixture.peerId(), group);

    view.importDocument(DirectoryFormat.YAML, bad.getBytes(StandardCharsets.UTF_8));

    assertThat(text(view, "directory-import-status")).startsWith("Nothing was imported:");
    assertThat(
            ComponentTree.require(view, "directory-import-violations", UnorderedList.class)
                .getChildren()
                .map(c -> c.getElement().getAttribute("data-line")))
        .containsExactly("7");
    assertThatThrownBy(() -> directory.group(group)).isInstanceOf(ProblemException.class);

    String fixed = bad.replace(", nowhere-at-all", "");
    view.importDocument(DirectoryFormat.YAML, fixed.getBytes(StandardCharsets.UTF_8));

    assertThat(text(view, "directory-import-status"))
        .isEqualTo("Imported: 3 created, 0 updated, 0 unchanged.");
    assertThat(directory.member(good).groups()).containsExactly(group);
  }

  @Test
  @TestSecurity(user = "auditor", roles = Roles.AUDITOR)
  void auditorsReadAndExportButFindNoWayToChangeAndTheServerRefusesThemAnyway() {
    DirectoryView view = view();
    for (String id :
        List.of(
            "members-add", "services-add", "groups-add", "directory-import", "directory-upload")) {
      assertThat(ComponentTree.byId(view, id)).as(id).isEmpty();
    }
    assertThat(ComponentTree.byId(view, "directory-export-yaml")).isPresent();
    assertThat(ComponentTree.byId(view, "directory-export-csv")).isPresent();

    // Were the dialog reached anyway, saving is refused on the server: the actor must be an admin.
    String group = unique("auditor");
    DirectoryView.EditDialog dialog = view.editGroup(null);
    fill(dialog, "group-name", group);
    dialog.save();
    assertThat(text(dialog, "group-dialog-status")).contains("need the role " + Roles.ADMIN);
    assertThatThrownBy(() -> directory.group(group)).isInstanceOf(ProblemException.class);
    view.importDocument(
        DirectoryFormat.YAML,
        ("groups:\n  - name: " + group + "\n").getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> directory.group(group)).isInstanceOf(ProblemException.class);
  }
}
