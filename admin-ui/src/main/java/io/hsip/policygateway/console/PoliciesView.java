package io.hsip.policygateway.console;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.UploadHandler;
import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.policy.PolicyConfig;
import io.hsip.policygateway.policy.catalog.ApprovalView;
import io.hsip.policygateway.policy.catalog.DraftView;
import io.hsip.policygateway.policy.catalog.FindingView;
import io.hsip.policygateway.policy.catalog.LiveView;
import io.hsip.policygateway.policy.catalog.PolicyCatalog;
import io.hsip.policygateway.policy.catalog.PolicyExport;
import io.hsip.policygateway.policy.catalog.PolicySetView;
import io.hsip.policygateway.policy.catalog.SimulationView;
import io.hsip.policygateway.policy.catalog.VersionView;
import io.hsip.policygateway.policy.compile.PolicyDiff;
import io.hsip.policygateway.policy.lifecycle.InvalidPolicyException;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.RequesterKind;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.inject.Instance;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Consent policies: each set with its versions (export, diff, roll back), the drafts, and a YAML
 * editor that validates as you save and shows every error at its line, simulates a request against
 * the draft with the explanation, and publishes (or asks for approval in four-eyes mode); the
 * publications awaiting approval, which a second admin approves or rejects; and the import of a
 * document (GitOps), as a draft or published at once. Admins change; auditors read, diff and
 * export. Every change goes through the policy lifecycle, which audits it under the SSO user's name
 * and enforces the four-eyes rules (no self-approval).
 */
@Route("policies")
@PageTitle("Policies · HSIP Policy Gateway")
@RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
public class PoliciesView extends VerticalLayout {

  private static final long serialVersionUID = 1L;

  private final PolicyCatalog catalog;
  private final PolicyLifecycle lifecycle;
  private final Instance<SecurityIdentity> identity;
  private final Clock clock;
  private final boolean admin;

  private final Paragraph live = new Paragraph();
  private final Select<String> set = new Select<>();
  private final Grid<VersionView> versions = new Grid<>(VersionView.class, false);
  private final Grid<DraftView> drafts = new Grid<>(DraftView.class, false);
  private final Grid<ApprovalView> approvals = new Grid<>(ApprovalView.class, false);
  private final boolean fourEyes;

  // Import.
  private final Paragraph importStatus = new Paragraph();
  private final UnorderedList importFindings = new UnorderedList();
  private byte @Nullable [] uploaded;
  private @Nullable String uploadedName;

  // The editor.
  private final TextArea yaml = new TextArea("Draft (YAML)");
  private final UnorderedList findings = new UnorderedList();
  private final Paragraph editorStatus = new Paragraph();
  private @Nullable UUID draftId;
  private int draftRevision;

  PoliciesView(
      PolicyCatalog catalog,
      PolicyLifecycle lifecycle,
      PolicyConfig config,
      Instance<SecurityIdentity> identity,
      Clock clock) {
    this.fourEyes = config.fourEyes();
    this.catalog = catalog;
    this.lifecycle = lifecycle;
    this.identity = identity;
    this.clock = clock;
    this.admin = identity.get().hasRole(Roles.ADMIN);
    setId("policies-view");
    add(new H2("Policies"));
    live.setId("policies-live");

    set.setLabel("Policy set");
    set.setId("policies-set");
    set.addValueChangeListener(e -> showVersions());
    versions.setId("policies-versions");
    versions.addColumn(VersionView::version).setHeader("Version").setWidth("6rem").setFlexGrow(0);
    versions
        .addColumn(v -> v.publishedAt().toString())
        .setHeader("Published (UTC)")
        .setAutoWidth(true);
    versions.addColumn(VersionView::publishedBy).setHeader("By").setAutoWidth(true);
    versions.addColumn(VersionView::ruleCount).setHeader("Rules").setAutoWidth(true);
    versions
        .addColumn(v -> v.rolledBackFrom() == null ? "" : "rollback of v" + v.rolledBackFrom())
        .setHeader("Note");
    versions.addComponentColumn(this::versionActions).setHeader("").setAutoWidth(true);
    versions.setAllRowsVisible(true);

    drafts.setId("policies-drafts");
    drafts.addColumn(DraftView::policySet).setHeader("Set").setAutoWidth(true);
    drafts.addColumn(DraftView::revision).setHeader("Revision").setAutoWidth(true);
    drafts.addColumn(DraftView::updatedBy).setHeader("Edited by").setAutoWidth(true);
    drafts.addColumn(d -> d.updatedAt().toString()).setHeader("Edited (UTC)").setAutoWidth(true);
    drafts.addItemClickListener(click -> openDraft(click.getItem().id()));
    drafts.setAllRowsVisible(true);

    approvals.setId("policies-approvals");
    approvals.addColumn(ApprovalView::policySet).setHeader("Set").setAutoWidth(true);
    approvals
        .addColumn(a -> a.rollbackOf() == null ? a.kind() : a.kind() + " to v" + a.rollbackOf())
        .setHeader("Kind")
        .setAutoWidth(true);
    approvals
        .addColumn(a -> a.baseVersion() == null ? "none" : "v" + a.baseVersion())
        .setHeader("Based on")
        .setAutoWidth(true);
    approvals.addColumn(ApprovalView::requestedBy).setHeader("Requested by").setAutoWidth(true);
    approvals
        .addColumn(a -> a.requestedAt().toString())
        .setHeader("Requested (UTC)")
        .setAutoWidth(true);
    approvals
        .addColumn(a -> a.digest().substring(0, Math.min(16, a.digest().length())))
        .setHeader("Digest")
        .setAutoWidth(true);
    if (admin) {
      approvals.addComponentColumn(this::approvalActions).setHeader("").setAutoWidth(true);
    }
    approvals.setAllRowsVisible(true);
    Paragraph mode =
        new Paragraph(
            fourEyes
                ? "Four-eyes mode is on: a publication or roll-back waits here until an admin who"
                    + " neither requested it nor edited its draft approves it."
                : "Four-eyes mode is off: publications take effect at once. Requests made while it"
                    + " was on still wait here.");
    mode.setId("policies-four-eyes");

    add(live, set, versions, new H3("Drafts"), drafts);
    add(new H3("Awaiting approval"), mode, approvals);
    if (admin) {
      add(importSection());
      add(editor());
    } else {
      add(new Paragraph("Your role reads, compares and exports policies; admins change them."));
    }
    reload();
  }

  /** Reloads sets, versions and drafts from the database. */
  void reload() {
    LiveView current = catalog.live();
    live.setText(
        current.version() == null
            ? "This replica enforces set "
                + current.policySet()
                + ", which has no version yet: every request is denied."
            : "This replica enforces " + current.policySet() + " v" + current.version() + ".");
    List<String> names = catalog.sets().stream().map(PolicySetView::policySet).toList();
    String selected = set.getValue();
    set.setItems(names);
    if (selected != null && names.contains(selected)) {
      set.setValue(selected);
    } else if (names.contains(current.policySet())) {
      set.setValue(current.policySet());
    } else if (!names.isEmpty()) {
      set.setValue(names.get(0));
    }
    showVersions();
    drafts.setItems(catalog.drafts(null, PolicyCatalog.DEFAULT_LIMIT).drafts());
    // Pending requests are few (each waits for one admin); the oldest thousand are shown, oldest
    // first.
    approvals.setItems(catalog.approvals("pending", null, PolicyCatalog.MAX_LIMIT).approvals());
  }

  // --- Four-eyes approvals ----------------------------------------------------------------------

  private Component approvalActions(ApprovalView a) {
    Button approve = new Button("Approve…", e -> confirmApproval(a));
    approve.setId("approve-" + a.id());
    approve.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_SUCCESS);
    Button reject = new Button("Reject…", e -> askRejection(a));
    reject.setId("reject-" + a.id());
    reject.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
    return new HorizontalLayout(approve, reject);
  }

  private void confirmApproval(ApprovalView a) {
    com.vaadin.flow.component.confirmdialog.ConfirmDialog confirm =
        new com.vaadin.flow.component.confirmdialog.ConfirmDialog();
    confirm.setId("approve-confirm");
    confirm.setHeader("Approve the " + a.kind() + " of " + a.policySet() + "?");
    confirm.setText(
        "Requested by "
            + a.requestedBy()
            + ". Once approved, every replica enforces it within a second; the approval is"
            + " recorded in the audit log under your name.");
    confirm.setCancelable(true);
    confirm.setConfirmText("Approve");
    confirm.addConfirmListener(c -> approve(a.id()));
    confirm.open();
  }

  /** Approves a pending publication as the signed-in admin (refused for its requester). */
  void approve(UUID approvalId) {
    act(
        () -> {
          VersionView v =
              VersionView.from(lifecycle.approve(ConsoleActor.admin(identity.get()), approvalId));
          return "Approved: " + v.policySet() + " v" + v.version() + " is in force.";
        });
  }

  private void askRejection(ApprovalView a) {
    Dialog dialog = new Dialog();
    dialog.setId("reject-dialog");
    dialog.setHeaderTitle("Reject the " + a.kind() + " of " + a.policySet());
    TextField reason = ConsoleViews.field("Reason (recorded in the audit log)", "reject-reason");
    reason.setWidthFull();
    Button reject =
        new Button(
            "Reject",
            e -> {
              if (reason.getValue().isBlank()) {
                reason.setInvalid(true);
                reason.setErrorMessage("Say why: the requester reads it.");
                return;
              }
              dialog.close();
              reject(a.id(), reason.getValue().strip());
            });
    reject.setId("reject-run");
    reject.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_PRIMARY);
    dialog.add(reason);
    dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), reject);
    dialog.open();
  }

  /** Rejects (or, for its requester, withdraws) a pending publication. */
  void reject(UUID approvalId, String reason) {
    act(
        () -> {
          ApprovalView r =
              ApprovalView.from(
                  lifecycle.reject(ConsoleActor.admin(identity.get()), approvalId, reason));
          return "Rejected the " + r.kind() + " of " + r.policySet() + ".";
        });
  }

  // --- Import (GitOps) --------------------------------------------------------------------------

  private VerticalLayout importSection() {
    Checkbox publish = new Checkbox("Publish after import");
    publish.setId("import-publish");
    // The in-memory handler calls back inside UI.access: under the session lock, as a listener
    // runs.
    Upload upload =
        new Upload(
            UploadHandler.inMemory(
                (metadata, bytes) -> {
                  uploaded = bytes;
                  uploadedName = metadata.fileName();
                  importFindings.removeAll();
                  importStatus.setText(
                      "Received "
                          + metadata.fileName()
                          + " ("
                          + bytes.length
                          + " bytes): press Import to apply it.");
                }));
    upload.setId("policy-upload");
    upload.setMaxFiles(1);
    upload.setMaxFileSize(lifecycle.limits().maxBytes());
    upload.setAcceptedFileTypes(".yaml", ".yml", "application/yaml", "text/yaml");
    upload.addFileRejectedListener(
        e -> importStatus.setText("Not accepted: " + e.getErrorMessage()));
    Button run =
        new Button(
            "Import",
            e -> {
              byte[] document = uploaded;
              if (document == null) {
                importStatus.setText("Upload a policy document (YAML) first.");
                return;
              }
              importDocument(document, publish.getValue());
            });
    run.setId("policy-import");
    importStatus.setId("policy-import-status");
    importFindings.setId("policy-import-findings");
    VerticalLayout section =
        new VerticalLayout(
            new H3("Import a document"),
            new Paragraph(
                "The document is validated like a draft; importing one identical to the version in"
                    + " force with Publish changes nothing, so a pipeline may re-apply it."),
            new HorizontalLayout(upload, publish),
            run,
            importStatus,
            importFindings);
    section.setPadding(false);
    return section;
  }

  /** Imports a policy document as the signed-in admin: as a draft, or published. */
  void importDocument(byte[] document, boolean publish) {
    importFindings.removeAll();
    try {
      PolicyLifecycle.Imported imported =
          lifecycle.importDocument(ConsoleActor.admin(identity.get()), document, publish);
      uploaded = null;
      importStatus.setText(
          switch (imported) {
            case PolicyLifecycle.Imported.Unchanged u -> {
              VersionView v = VersionView.from(u);
              yield "Unchanged: "
                  + v.policySet()
                  + " v"
                  + v.version()
                  + " already has this content.";
            }
            case PolicyLifecycle.Imported.SavedAsDraft d ->
                "Imported as draft " + DraftView.from(d.saved()).id() + ".";
            case PolicyLifecycle.Imported.Publishing p -> describe(p.publication(), "Imported");
          });
      reload();
    } catch (InvalidPolicyException invalid) {
      importStatus.setText(
          "Not imported: "
              + (uploadedName == null ? "the document" : uploadedName)
              + " has "
              + invalid.errors().size()
              + " error(s).");
      showFindings(importFindings, FindingView.all(invalid.errors()));
    } catch (ProblemException | ForbiddenException refused) {
      importStatus.setText("Not imported: " + refused.getMessage());
    }
  }

  private void showVersions() {
    String name = set.getValue();
    versions.setItems(
        name == null
            ? List.of()
            : catalog.versions(name, null, PolicyCatalog.DEFAULT_LIMIT).versions());
  }

  private Component versionActions(VersionView v) {
    Anchor export =
        new Anchor(
            (DownloadHandler)
                event -> {
                  if (!mayRead()) {
                    event.getResponse().setStatus(403);
                    return;
                  }
                  PolicyExport e;
                  try {
                    e = catalog.export(v.policySet(), v.version());
                  } catch (ProblemException gone) {
                    event.getResponse().setStatus(gone.status());
                    event.setContentType("text/plain");
                    event.getWriter().print(gone.getMessage());
                    return;
                  }
                  event.setFileName(e.policySet() + "-v" + e.version() + ".yaml");
                  event.setContentType("application/yaml");
                  event.getOutputStream().write(e.document().getBytes(StandardCharsets.UTF_8));
                },
            "Export");
    HorizontalLayout actions = new HorizontalLayout(export);
    if (v.version() > 1) {
      Button diff = new Button("Diff with v" + (v.version() - 1), e -> showDiff(v));
      diff.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
      actions.add(diff);
    }
    if (admin) {
      Button rollback = new Button("Roll back to this", e -> rollback(v));
      rollback.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
      rollback.setId("rollback-" + v.version());
      actions.add(rollback);
    }
    actions.setAlignItems(FlexComponent.Alignment.CENTER);
    return actions;
  }

  private void showDiff(VersionView v) {
    PolicyDiff diff = catalog.diff(v.policySet(), v.version() - 1, v.version());
    StringBuilder text = new StringBuilder();
    diff.settings().forEach(c -> change(text, "~ ", c));
    diff.added().forEach(r -> text.append("+ rule ").append(r.ruleId()).append('\n'));
    diff.removed().forEach(r -> text.append("- rule ").append(r.ruleId()).append('\n'));
    diff.changed()
        .forEach(
            r -> {
              text.append("~ rule ").append(r.ruleId()).append('\n');
              r.fields().forEach(c -> change(text, "    ", c));
            });
    text.append(diff.unchanged()).append(" rule(s) unchanged\n");
    Dialog dialog = new Dialog();
    dialog.setId("policies-diff");
    dialog.setHeaderTitle(v.policySet() + ": v" + (v.version() - 1) + " → v" + v.version());
    Pre pre = new Pre(text.toString());
    pre.addClassName("console-code");
    dialog.add(pre);
    dialog.getFooter().add(new Button("Close", e -> dialog.close()));
    dialog.open();
  }

  private static void change(StringBuilder text, String indent, PolicyDiff.FieldChange c) {
    text.append(indent)
        .append(c.pointer())
        .append(": ")
        .append(c.before())
        .append(" → ")
        .append(c.after())
        .append('\n');
  }

  private void rollback(VersionView v) {
    act(
        () -> {
          PolicyLifecycle.Publication p =
              lifecycle.rollback(ConsoleActor.admin(identity.get()), v.policySet(), v.version());
          return describe(p, "Rolled back to v" + v.version());
        });
  }

  // --- The editor -------------------------------------------------------------------------------

  private VerticalLayout editor() {
    yaml.setId("draft-yaml");
    yaml.setWidthFull();
    yaml.setMinHeight("18rem");
    yaml.addClassName("console-yaml");
    findings.setId("draft-findings");
    editorStatus.setId("draft-status");
    Button fresh = new Button("New draft from the live version", e -> newDraft());
    fresh.setId("draft-new");
    Button save = new Button("Save draft", e -> save());
    save.setId("draft-save");
    save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    Button publish = new Button("Publish…", e -> publish());
    publish.setId("draft-publish");
    publish.addThemeVariants(ButtonVariant.LUMO_SUCCESS);
    HorizontalLayout buttons = new HorizontalLayout(fresh, save, publish);

    TextField peer = ConsoleViews.field("Requester PeerID", "sim-peer");
    peer.setValue("AAAAAAAAAAAAAAAAAAAAAAAAAA");
    Select<String> kind = new Select<>();
    kind.setLabel("Requester kind");
    kind.setId("sim-kind");
    kind.setItems("member", "external");
    kind.setValue("member");
    TextField groups = ConsoleViews.field("Requester groups (comma-separated)", "sim-groups");
    TextField targetGroups = ConsoleViews.field("Target groups", "sim-target-groups");
    TextField purpose = ConsoleViews.field("Purpose", "sim-purpose");
    IntegerField reputation = new IntegerField("Reputation");
    reputation.setValue(50);
    IntegerField ttl = new IntegerField("Requested TTL (s)");
    ttl.setValue(3600);
    Pre explanation = new Pre();
    explanation.setId("sim-result");
    explanation.addClassName("console-code");
    Button simulate =
        new Button(
            "Simulate against the draft",
            e -> {
              if (draftId == null) {
                explanation.setText("Save the draft first: simulation runs on a saved draft.");
                return;
              }
              try {
                PolicyRequest request =
                    new PolicyRequest(
                        new PolicyRequest.Requester(
                            peer.getValue().strip(),
                            RequesterKind.fromWire(kind.getValue()).orElseThrow(),
                            ConsoleViews.names(groups.getValue()),
                            reputation.getValue() == null ? 0 : reputation.getValue()),
                        new PolicyRequest.Target(
                            null, ConsoleViews.names(targetGroups.getValue()), null),
                        purpose.getValue().strip(),
                        (ttl.getValue() == null ? 0 : ttl.getValue()) * 1000L,
                        clock.millis());
                SimulationView r = catalog.simulateDraft(draftId, request);
                explanation.setText(
                    r.effect().toUpperCase(java.util.Locale.ROOT)
                        + " ("
                        + r.reason()
                        + "), TTL "
                        + r.grantedTtlMs() / 1000
                        + " s\n"
                        + r.explanation());
              } catch (ProblemException | IllegalArgumentException bad) {
                explanation.setText("Cannot simulate: " + bad.getMessage());
              }
            });
    simulate.setId("sim-run");
    HorizontalLayout request =
        new HorizontalLayout(peer, kind, groups, targetGroups, purpose, reputation, ttl);
    request.setWrap(true);
    VerticalLayout section =
        new VerticalLayout(
            new H3("Edit a draft"),
            new Paragraph(
                "Pick a draft above, or start one from the live version. Saving validates the document; errors are listed with their line."),
            yaml,
            buttons,
            editorStatus,
            findings,
            new H3("Simulate a request"),
            request,
            simulate,
            explanation);
    section.setPadding(false);
    return section;
  }

  private void newDraft() {
    String name = set.getValue();
    if (name == null) {
      yaml.setValue("");
    } else {
      yaml.setValue(catalog.exportLatest(name).document());
    }
    draftId = null;
    draftRevision = 0;
    findings.removeAll();
    editorStatus.setText("A new draft: not saved yet.");
  }

  void openDraft(UUID id) {
    DraftView d = catalog.draft(id);
    draftId = d.id();
    draftRevision = d.revision();
    yaml.setValue(d.document() == null ? "" : d.document());
    findings.removeAll();
    editorStatus.setText(
        "Draft " + d.id() + " of " + d.policySet() + ", revision " + d.revision() + ".");
  }

  /** Saves the editor's document as a new draft or a new revision; shows errors at their lines. */
  void save() {
    findings.removeAll();
    byte[] document = yaml.getValue().getBytes(StandardCharsets.UTF_8);
    try {
      var actor = ConsoleActor.admin(identity.get());
      DraftView saved =
          DraftView.from(
              draftId == null
                  ? lifecycle.createDraft(actor, document)
                  : lifecycle.updateDraft(actor, draftId, draftRevision, document));
      draftId = saved.id();
      draftRevision = saved.revision();
      List<FindingView> warnings = saved.warnings() == null ? List.of() : saved.warnings();
      editorStatus.setText(
          "Saved: draft "
              + draftId
              + ", revision "
              + draftRevision
              + ". It is valid"
              + (warnings.isEmpty() ? "." : ", with warnings:"));
      showFindings(findings, warnings);
      reload();
    } catch (InvalidPolicyException invalid) {
      editorStatus.setText("Not saved: the document has " + invalid.errors().size() + " error(s).");
      showFindings(findings, FindingView.all(invalid.errors()));
    } catch (ProblemException | ForbiddenException refused) {
      editorStatus.setText("Not saved: " + refused.getMessage());
    }
  }

  private static void showFindings(UnorderedList into, List<FindingView> list) {
    for (FindingView f : list) {
      ListItem item =
          new ListItem(
              "Line "
                  + f.line()
                  + ", column "
                  + f.column()
                  + ": "
                  + f.severity()
                  + " ["
                  + f.code()
                  + "] "
                  + f.message());
      item.addClassName("error".equals(f.severity()) ? "console-warning" : "console-note");
      item.getElement().setAttribute("data-line", Integer.toString(f.line()));
      into.add(item);
    }
  }

  private void publish() {
    if (draftId == null) {
      editorStatus.setText("Save the draft before publishing it.");
      return;
    }
    UUID id = draftId;
    int revision = draftRevision;
    com.vaadin.flow.component.confirmdialog.ConfirmDialog confirm =
        new com.vaadin.flow.component.confirmdialog.ConfirmDialog();
    confirm.setId("publish-confirm");
    confirm.setHeader("Publish this draft?");
    confirm.setText(
        "Every replica enforces the new version within a second (or, in four-eyes mode, once a second"
            + " admin approves it). The publication is recorded in the audit log under your name.");
    confirm.setCancelable(true);
    confirm.setConfirmText("Publish");
    confirm.addConfirmListener(
        c ->
            act(
                () -> {
                  PolicyLifecycle.Publication p =
                      lifecycle.publishDraft(ConsoleActor.admin(identity.get()), id, revision);
                  draftId = null;
                  return describe(p, "Published");
                }));
    confirm.open();
  }

  private static String describe(PolicyLifecycle.Publication p, String verb) {
    return switch (p) {
      case PolicyLifecycle.Publication.Published published -> {
        VersionView v = VersionView.from(published);
        yield verb + ": " + v.policySet() + " v" + v.version() + " is in force.";
      }
      case PolicyLifecycle.Publication.AwaitingApproval waiting ->
          "Four-eyes mode: approval request "
              + ApprovalView.from(waiting).id()
              + " waits for a second admin.";
    };
  }

  @FunctionalInterface
  private interface Change {
    String run();
  }

  private void act(Change change) {
    try {
      String message = change.run();
      editorStatus.setText(message);
      Notification.show(message, 5000, Notification.Position.TOP_CENTER)
          .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
      reload();
    } catch (ProblemException | ForbiddenException refused) {
      editorStatus.setText("Refused: " + refused.getMessage());
      Notification.show(refused.getMessage(), 6000, Notification.Position.TOP_CENTER)
          .addThemeVariants(NotificationVariant.LUMO_ERROR);
    }
  }

  private boolean mayRead() {
    SecurityIdentity caller = identity.get();
    return caller.hasRole(Roles.ADMIN) || caller.hasRole(Roles.AUDITOR);
  }
}
