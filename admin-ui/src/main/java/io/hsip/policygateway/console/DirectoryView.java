package io.hsip.policygateway.console;

import static io.hsip.policygateway.console.ConsoleViews.blankToNull;
import static io.hsip.policygateway.console.ConsoleViews.field;
import static io.hsip.policygateway.console.ConsoleViews.names;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.UploadHandler;
import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.directory.DirectoryAdmin;
import io.hsip.policygateway.directory.DirectoryConfig;
import io.hsip.policygateway.directory.DirectoryFormat;
import io.hsip.policygateway.directory.DirectoryImport;
import io.hsip.policygateway.directory.DirectoryTransfer;
import io.hsip.policygateway.directory.Group;
import io.hsip.policygateway.directory.GroupEntry;
import io.hsip.policygateway.directory.GroupPage;
import io.hsip.policygateway.directory.Member;
import io.hsip.policygateway.directory.MemberEntry;
import io.hsip.policygateway.directory.MemberPage;
import io.hsip.policygateway.directory.Service;
import io.hsip.policygateway.directory.ServiceEntry;
import io.hsip.policygateway.directory.ServicePage;
import io.hsip.policygateway.identity.Roles;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.inject.Instance;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jspecify.annotations.Nullable;

/**
 * The member directory: members, organisation services and groups, each searchable in a lazy grid
 * on keyset pages; admins add, edit and delete entries and import a whole document (all of it or,
 * with every invalid line listed, none of it); admins and auditors export it as YAML or CSV. Every
 * change goes through {@link DirectoryAdmin}, which audits it with the SSO user's subject as actor,
 * exactly as the directory API does.
 */
@Route("directory")
@PageTitle("Directory · HSIP Policy Gateway")
@RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
public class DirectoryView extends VerticalLayout {

  private static final long serialVersionUID = 1L;

  /** Rows fetched per keyset page. */
  private static final int PAGE = 100;

  /** What an upload request carries beyond the document (multipart framing), kept in reserve. */
  private static final long MULTIPART_RESERVE = 16 * 1024;

  private final DirectoryAdmin directory;
  private final DirectoryTransfer transfer;
  private final Instance<SecurityIdentity> identity;
  private final boolean admin;

  private final TextField memberSearch = new TextField("Name or PeerID");
  private final TextField memberGroup = new TextField("In group");
  private final Grid<MemberEntry> members = new Grid<>(MemberEntry.class, false);
  private final TextField serviceSearch = new TextField("Name");
  private final Grid<ServiceEntry> services = new Grid<>(ServiceEntry.class, false);
  private final TextField groupSearch = new TextField("Name");
  private final Grid<GroupEntry> groups = new Grid<>(GroupEntry.class, false);
  private final Paragraph problem = new Paragraph();

  // Import.
  private final Select<DirectoryFormat> importFormat = new Select<>();
  private final Paragraph importStatus = new Paragraph();
  private final UnorderedList importViolations = new UnorderedList();
  private byte @Nullable [] uploaded;
  private @Nullable String uploadedName;

  DirectoryView(
      DirectoryAdmin directory,
      DirectoryTransfer transfer,
      DirectoryConfig config,
      @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize bodyLimit,
      Instance<SecurityIdentity> identity) {
    this.directory = directory;
    this.transfer = transfer;
    this.identity = identity;
    this.admin = ConsoleUser.current(identity.get()).isAdmin();
    setId("directory-view");
    add(new H2("Directory"));
    add(
        new Paragraph(
            admin
                ? "Members, organisation services and groups, as policies name them. Click a row"
                    + " to edit it; every change is recorded in the audit log under your name."
                : "Members, organisation services and groups, as policies name them. Your role"
                    + " reads and exports the directory; admins change it."));
    problem.setId("directory-problem");
    problem.addClassName("console-warning");
    problem.setVisible(false);

    TabSheet tabs = new TabSheet();
    tabs.setId("directory-tabs");
    tabs.setWidthFull();
    tabs.add("Members", membersTab());
    tabs.add("Services", servicesTab());
    tabs.add("Groups", groupsTab());
    add(problem, tabs, transferSection(config, bodyLimit));
    refreshMembers();
    refreshServices();
    refreshGroups();
  }

  // --- Members -----------------------------------------------------------------------------------

  private VerticalLayout membersTab() {
    memberSearch.setId("members-search");
    memberGroup.setId("members-group");
    Button search = new Button("Search", e -> refreshMembers());
    search.setId("members-search-run");
    HorizontalLayout filters = new HorizontalLayout(memberSearch, memberGroup, search);
    filters.setAlignItems(FlexComponent.Alignment.BASELINE);
    if (admin) {
      Button add = new Button("Add member…", e -> editMember(null));
      add.setId("members-add");
      filters.add(add);
    }
    members.setId("members-grid");
    members.addColumn(MemberEntry::displayName).setHeader("Name").setAutoWidth(true);
    members.addColumn(MemberEntry::peerId).setHeader("PeerID").setAutoWidth(true);
    members.addColumn(m -> String.join(", ", m.groups())).setHeader("Groups").setAutoWidth(true);
    members
        .addColumn(m -> m.ssoSubject() == null ? "" : m.ssoSubject())
        .setHeader("Daemon SSO subject")
        .setAutoWidth(true);
    members.addColumn(MemberEntry::revision).setHeader("Rev.").setAutoWidth(true);
    members.setHeight("24rem");
    if (admin) {
      members.addItemClickListener(click -> editMember(click.getItem()));
    }
    return tab(filters, members);
  }

  /** Rebuilds the member grid's lazy source for the current search. */
  void refreshMembers() {
    String search = memberSearch.getValue();
    String group = memberGroup.getValue();
    KeysetPages<MemberEntry, String> pages =
        new KeysetPages<>(
            (after, limit) -> {
              MemberPage page = directory.members(search, group, after, limit);
              return new KeysetPages.Page<>(page.items(), page.nextAfter());
            },
            DirectoryAdmin::cursorAfter,
            PAGE);
    members.setItems(q -> guarded(() -> pages.rows(q.getOffset(), q.getLimit())).stream());
  }

  /** Opens the add (null) or edit dialog of a member. */
  EditDialog editMember(@Nullable MemberEntry stored) {
    TextField peerId = field("PeerID", "member-peer-id");
    TextField name = field("Display name", "member-name");
    TextField memberGroups = field("Groups (comma-separated)", "member-groups");
    TextField subject = field("Daemon SSO subject (optional)", "member-subject");
    if (stored != null) {
      peerId.setValue(stored.peerId());
      peerId.setReadOnly(true);
      name.setValue(stored.displayName());
      memberGroups.setValue(String.join(", ", stored.groups()));
      subject.setValue(stored.ssoSubject() == null ? "" : stored.ssoSubject());
    }
    EditDialog dialog =
        new EditDialog(
            "member",
            stored == null ? "Add a member" : "Member " + stored.displayName(),
            new FormLayout(peerId, name, memberGroups, subject));
    dialog.onSave(
        actor -> {
          Member m =
              new Member(
                  peerId.getValue().strip(),
                  name.getValue().strip(),
                  names(memberGroups.getValue()),
                  blankToNull(subject.getValue()));
          if (stored == null) {
            directory.createMember(actor, m);
            return "Added member " + m.displayName() + ".";
          }
          MemberEntry updated = directory.updateMember(actor, m, stored.revision());
          return "Saved member " + updated.displayName() + ", revision " + updated.revision() + ".";
        });
    if (stored != null) {
      dialog.onDelete(
          "Delete member " + stored.displayName() + "?",
          "Requests from or to " + stored.peerId() + " are then decided as external.",
          actor -> {
            directory.deleteMember(actor, stored.peerId(), stored.revision());
            return "Deleted member " + stored.displayName() + ".";
          });
    }
    dialog.open();
    return dialog;
  }

  // --- Services ----------------------------------------------------------------------------------

  private VerticalLayout servicesTab() {
    serviceSearch.setId("services-search");
    Button search = new Button("Search", e -> refreshServices());
    search.setId("services-search-run");
    HorizontalLayout filters = new HorizontalLayout(serviceSearch, search);
    filters.setAlignItems(FlexComponent.Alignment.BASELINE);
    if (admin) {
      Button add = new Button("Add service…", e -> editService(null));
      add.setId("services-add");
      filters.add(add);
    }
    services.setId("services-grid");
    services.addColumn(ServiceEntry::name).setHeader("Name").setAutoWidth(true);
    services.addColumn(ServiceEntry::peerId).setHeader("PeerID").setAutoWidth(true);
    services
        .addColumn(s -> s.keyFile() == null ? "" : s.keyFile())
        .setHeader("Key file")
        .setAutoWidth(true);
    services
        .addColumn(s -> s.ssoSubject() == null ? "" : s.ssoSubject())
        .setHeader("Daemon SSO subject")
        .setAutoWidth(true);
    services.addColumn(ServiceEntry::revision).setHeader("Rev.").setAutoWidth(true);
    services.setHeight("24rem");
    if (admin) {
      services.addItemClickListener(click -> editService(click.getItem()));
    }
    return tab(filters, services);
  }

  /** Rebuilds the service grid's lazy source for the current search. */
  void refreshServices() {
    String search = serviceSearch.getValue();
    KeysetPages<ServiceEntry, String> pages =
        new KeysetPages<>(
            (after, limit) -> {
              ServicePage page = directory.services(search, after, limit);
              return new KeysetPages.Page<>(page.items(), page.nextAfter());
            },
            DirectoryAdmin::cursorAfter,
            PAGE);
    services.setItems(q -> guarded(() -> pages.rows(q.getOffset(), q.getLimit())).stream());
  }

  /** Opens the add (null) or edit dialog of a service. */
  EditDialog editService(@Nullable ServiceEntry stored) {
    TextField name = field("Name", "service-name");
    TextField peerId = field("PeerID", "service-peer-id");
    TextField keyFile = field("Key file (optional)", "service-key-file");
    TextField subject = field("Daemon SSO subject (optional)", "service-subject");
    if (stored != null) {
      name.setValue(stored.name());
      name.setReadOnly(true);
      peerId.setValue(stored.peerId());
      keyFile.setValue(stored.keyFile() == null ? "" : stored.keyFile());
      subject.setValue(stored.ssoSubject() == null ? "" : stored.ssoSubject());
    }
    EditDialog dialog =
        new EditDialog(
            "service",
            stored == null ? "Add a service" : "Service " + stored.name(),
            new FormLayout(name, peerId, keyFile, subject));
    dialog.onSave(
        actor -> {
          Service s =
              new Service(
                  name.getValue().strip(),
                  peerId.getValue().strip(),
                  blankToNull(keyFile.getValue()),
                  blankToNull(subject.getValue()));
          if (stored == null) {
            directory.createService(actor, s);
            return "Added service " + s.name() + ".";
          }
          ServiceEntry updated = directory.updateService(actor, s, stored.revision());
          return "Saved service " + updated.name() + ", revision " + updated.revision() + ".";
        });
    if (stored != null) {
      dialog.onDelete(
          "Delete service " + stored.name() + "?",
          "Policies that name it in target.services then match nothing for it.",
          actor -> {
            directory.deleteService(actor, stored.name(), stored.revision());
            return "Deleted service " + stored.name() + ".";
          });
    }
    dialog.open();
    return dialog;
  }

  // --- Groups ------------------------------------------------------------------------------------

  private VerticalLayout groupsTab() {
    groupSearch.setId("groups-search");
    Button search = new Button("Search", e -> refreshGroups());
    search.setId("groups-search-run");
    HorizontalLayout filters = new HorizontalLayout(groupSearch, search);
    filters.setAlignItems(FlexComponent.Alignment.BASELINE);
    if (admin) {
      Button add = new Button("Add group…", e -> editGroup(null));
      add.setId("groups-add");
      filters.add(add);
    }
    groups.setId("groups-grid");
    groups.addColumn(GroupEntry::name).setHeader("Name").setAutoWidth(true);
    groups
        .addColumn(g -> g.description() == null ? "" : g.description())
        .setHeader("Description")
        .setAutoWidth(true);
    groups.addColumn(GroupEntry::members).setHeader("Members").setAutoWidth(true);
    groups.addColumn(GroupEntry::revision).setHeader("Rev.").setAutoWidth(true);
    groups.setHeight("24rem");
    if (admin) {
      groups.addItemClickListener(click -> editGroup(click.getItem()));
    }
    return tab(filters, groups);
  }

  /** Rebuilds the group grid's lazy source for the current search. */
  void refreshGroups() {
    String search = groupSearch.getValue();
    KeysetPages<GroupEntry, String> pages =
        new KeysetPages<>(
            (after, limit) -> {
              GroupPage page = directory.groups(search, after, limit);
              return new KeysetPages.Page<>(page.items(), page.nextAfter());
            },
            DirectoryAdmin::cursorAfter,
            PAGE);
    groups.setItems(q -> guarded(() -> pages.rows(q.getOffset(), q.getLimit())).stream());
  }

  /** Opens the add (null) or edit dialog of a group. */
  EditDialog editGroup(@Nullable GroupEntry stored) {
    TextField name = field("Name", "group-name");
    name.setHelperText("lower-case letters, digits, '.', '_' and '-'");
    TextField description = field("Description (optional)", "group-description");
    if (stored != null) {
      name.setValue(stored.name());
      name.setReadOnly(true);
      description.setValue(stored.description() == null ? "" : stored.description());
    }
    EditDialog dialog =
        new EditDialog(
            "group",
            stored == null ? "Add a group" : "Group " + stored.name(),
            new FormLayout(name, description));
    dialog.onSave(
        actor -> {
          Group g = new Group(name.getValue().strip(), blankToNull(description.getValue()));
          if (stored == null) {
            directory.createGroup(actor, g);
            return "Added group " + g.name() + ".";
          }
          GroupEntry updated = directory.updateGroup(actor, g, stored.revision());
          return "Saved group " + updated.name() + ", revision " + updated.revision() + ".";
        });
    if (stored != null) {
      dialog.onDelete(
          "Delete group " + stored.name() + "?",
          "Only an empty group can be deleted; policies that name it then match nothing for it.",
          actor -> {
            directory.deleteGroup(actor, stored.name(), stored.revision());
            return "Deleted group " + stored.name() + ".";
          });
    }
    dialog.open();
    return dialog;
  }

  // --- Import and export -------------------------------------------------------------------------

  private VerticalLayout transferSection(DirectoryConfig config, MemorySize bodyLimit) {
    VerticalLayout section = new VerticalLayout(new H3("Export and import"));
    section.setPadding(false);
    HorizontalLayout exports = new HorizontalLayout();
    for (DirectoryFormat format : DirectoryFormat.values()) {
      Anchor link = new Anchor(exportHandler(format), "Export as " + label(format));
      link.setId("directory-export-" + format.extension());
      exports.add(link);
    }
    section.add(exports);
    if (!admin) {
      return section;
    }
    long limit =
        Math.min(config.importLimits().maxBytes(), bodyLimit.asLongValue() - MULTIPART_RESERVE);
    importFormat.setLabel("Format");
    importFormat.setId("directory-import-format");
    importFormat.setItems(DirectoryFormat.values());
    importFormat.setItemLabelGenerator(DirectoryView::label);
    importFormat.setValue(DirectoryFormat.YAML);
    // The in-memory handler calls back inside UI.access: under the session lock, as a listener
    // runs.
    Upload upload =
        new Upload(
            UploadHandler.inMemory((metadata, bytes) -> received(metadata.fileName(), bytes)));
    upload.setId("directory-upload");
    upload.setMaxFiles(1);
    upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, limit));
    upload.addFileRejectedListener(
        e -> importStatus.setText("Not accepted: " + e.getErrorMessage()));
    Button run = new Button("Import…", e -> confirmImport());
    run.setId("directory-import");
    run.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    importStatus.setId("directory-import-status");
    importViolations.setId("directory-import-violations");
    section.add(
        new Paragraph(
            "An import adds and updates entries (it never deletes): all of it is applied, or"
                + " nothing is and every invalid line is listed. Largest file: "
                + limit / 1024
                + " KiB."),
        new HorizontalLayout(importFormat, upload),
        run,
        importStatus,
        importViolations);
    return section;
  }

  private DownloadHandler exportHandler(DirectoryFormat format) {
    return event -> {
      if (!mayRead()) {
        event.getResponse().setStatus(403);
        return;
      }
      String document;
      try {
        document = transfer.export(format);
      } catch (ProblemException unavailable) {
        event.getResponse().setStatus(unavailable.status());
        event.setContentType("text/plain");
        event.getWriter().print(unavailable.getMessage());
        return;
      }
      event.setFileName("directory." + format.extension());
      event.setContentType(format.mediaType());
      event.getOutputStream().write(document.getBytes(StandardCharsets.UTF_8));
    };
  }

  private void received(String fileName, byte[] bytes) {
    uploaded = bytes;
    uploadedName = fileName;
    String lower = fileName.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".csv")) {
      importFormat.setValue(DirectoryFormat.CSV);
    } else if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
      importFormat.setValue(DirectoryFormat.YAML);
    }
    importViolations.removeAll();
    importStatus.setText(
        "Received " + fileName + " (" + bytes.length + " bytes): press Import to apply it.");
  }

  private void confirmImport() {
    byte[] document = uploaded;
    if (document == null) {
      importStatus.setText("Upload a YAML or CSV document first.");
      return;
    }
    ConfirmDialog confirm = new ConfirmDialog();
    confirm.setId("directory-import-confirm");
    confirm.setHeader("Import " + uploadedName + "?");
    confirm.setText(
        "Entries are added or updated on every replica within a second; the import is recorded in"
            + " the audit log under your name.");
    confirm.setCancelable(true);
    confirm.setConfirmText("Import");
    confirm.addConfirmListener(c -> importDocument(importFormat.getValue(), document));
    confirm.open();
  }

  /** Imports a document as the signed-in admin, and shows what it did or every invalid line. */
  void importDocument(DirectoryFormat format, byte[] document) {
    importViolations.removeAll();
    try {
      DirectoryImport done = transfer.importDocument(actor(), format, document);
      uploaded = null;
      importStatus.setText(
          "Imported: "
              + done.created()
              + " created, "
              + done.updated()
              + " updated, "
              + done.unchanged()
              + " unchanged.");
      refreshMembers();
      refreshServices();
      refreshGroups();
    } catch (ProblemException | ForbiddenException refused) {
      importStatus.setText("Nothing was imported: " + refused.getMessage());
      if (refused instanceof ProblemException p && p.violations() != null) {
        showViolations(importViolations, p.violations());
      }
    }
  }

  // --- Shared ------------------------------------------------------------------------------------

  /** A change made in a dialog; returns what to tell the admin. */
  @FunctionalInterface
  private interface Change {
    String apply(String actor);
  }

  /** The edit dialog of one entry: its form, Save, and Delete behind a confirmation. */
  final class EditDialog extends Dialog {
    private static final long serialVersionUID = 1L;

    private final Paragraph status = new Paragraph();
    private final UnorderedList violations = new UnorderedList();
    private final String kind;
    private @Nullable Change save;
    private @Nullable Change delete;

    EditDialog(String kind, String title, FormLayout form) {
      this.kind = kind;
      setId(kind + "-dialog");
      setHeaderTitle(title);
      setWidth("min(48rem, 95vw)");
      status.setId(kind + "-dialog-status");
      status.addClassName("console-warning");
      violations.setId(kind + "-dialog-violations");
      add(form, status, violations);
      getFooter().add(new Button("Cancel", e -> close()));
    }

    void onSave(Change change) {
      save = change;
      Button button = new Button("Save", e -> save());
      button.setId(kind + "-save");
      button.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
      getFooter().add(button);
    }

    /** What Save does: the change as the signed-in admin, or the reasons it was refused. */
    void save() {
      run(java.util.Objects.requireNonNull(save, "no save action"));
    }

    /** What the confirmed Delete does. */
    void delete() {
      run(java.util.Objects.requireNonNull(delete, "no delete action"));
    }

    void onDelete(String question, String consequence, Change change) {
      delete = change;
      Button button =
          new Button(
              "Delete…",
              e -> {
                ConfirmDialog confirm = new ConfirmDialog();
                confirm.setId(kind + "-delete-confirm");
                confirm.setHeader(question);
                confirm.setText(consequence + " The deletion is recorded in the audit log.");
                confirm.setCancelable(true);
                confirm.setConfirmText("Delete");
                confirm.setConfirmButtonTheme("error primary");
                confirm.addConfirmListener(c -> delete());
                confirm.open();
              });
      button.setId(kind + "-delete");
      button.addThemeVariants(ButtonVariant.LUMO_ERROR);
      getFooter().addComponentAsFirst(button);
    }

    private void run(Change change) {
      violations.removeAll();
      try {
        String done = change.apply(actor());
        close();
        Notification.show(done, 5000, Notification.Position.TOP_CENTER)
            .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
        refreshMembers();
        refreshServices();
        refreshGroups();
      } catch (ProblemException | ForbiddenException refused) {
        status.setText("Not saved: " + refused.getMessage());
        if (refused instanceof ProblemException p && p.violations() != null) {
          showViolations(violations, p.violations());
        }
      }
    }
  }

  private static void showViolations(UnorderedList list, List<Problem.Violation> violations) {
    for (Problem.Violation v : violations) {
      ListItem item =
          new ListItem(
              (v.line() == null ? "" : "Line " + v.line() + ": ") + v.field() + " " + v.message());
      item.addClassName("console-warning");
      if (v.line() != null) {
        item.getElement().setAttribute("data-line", Integer.toString(v.line()));
      }
      list.add(item);
    }
  }

  /** The actor of a directory change: the admin's SSO subject, as the directory API records it. */
  private String actor() {
    return ConsoleActor.admin(identity.get()).subject();
  }

  /** Runs a grid fetch; a refused search (a bad cursor, a database outage) shows as a message. */
  private <T> List<T> guarded(java.util.function.Supplier<List<T>> fetch) {
    try {
      List<T> rows = fetch.get();
      problem.setText("");
      problem.setVisible(false);
      return rows;
    } catch (ProblemException refused) {
      problem.setText(refused.getMessage());
      problem.setVisible(true);
      return List.of();
    }
  }

  private boolean mayRead() {
    SecurityIdentity caller = identity.get();
    return caller.hasRole(Roles.ADMIN) || caller.hasRole(Roles.AUDITOR);
  }

  private static VerticalLayout tab(Component filters, Component grid) {
    VerticalLayout tab = new VerticalLayout(filters, grid);
    tab.setPadding(false);
    return tab;
  }

  private static String label(DirectoryFormat format) {
    return format.extension().toUpperCase(Locale.ROOT);
  }
}
