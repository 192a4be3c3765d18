package io.hsip.policygateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.datetimepicker.DateTimePicker;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import io.hsip.policygateway.audit.AuditExports;
import io.hsip.policygateway.audit.AuditReader;
import io.hsip.policygateway.audit.AuditViews.EntryPage;
import io.hsip.policygateway.audit.AuditViews.EntryView;
import io.hsip.policygateway.audit.EntryQuery;
import io.hsip.policygateway.audit.SubjectErasure;
import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.gateway.decision.DecisionReason;
import io.hsip.policygateway.identity.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.inject.Instance;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The audit log for auditors and admins: filtered search on keyset pages (a lazy grid that never
 * asks the database for an offset), an entry with its inclusion proof checked against the latest
 * signed checkpoint, export of a time window as the verifiable bundle or as CSV, and (admins only)
 * erasure of a subject. Auditors can read, verify and export; nothing here changes the log for
 * them.
 */
@Route("audit")
@PageTitle("Audit · HSIP Policy Gateway")
@RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
public class AuditView extends VerticalLayout {

  private static final long serialVersionUID = 1L;

  static final int PAGE = 100;

  private final AuditReader reader;
  private final InclusionCheck inclusion;
  private final Instance<SecurityIdentity> identity;

  private final DateTimePicker from = new DateTimePicker("From (UTC)");
  private final DateTimePicker to = new DateTimePicker("To (UTC)");
  private final Select<String> kind = new Select<>();
  private final TextField peer = new TextField("Peer (PeerID)");
  private final Select<String> effect = new Select<>();
  private final Select<String> reason = new Select<>();
  private final TextField policyVersion = new TextField("Policy version (digest)");
  private final TextField actor = new TextField("Actor");
  private final Grid<EntryView> grid = new Grid<>(EntryView.class, false);
  private final Paragraph problem = new Paragraph();

  AuditView(
      AuditReader reader,
      AuditExports exports,
      SubjectErasure erasure,
      InclusionCheck inclusion,
      Instance<SecurityIdentity> identity) {
    this.reader = reader;
    this.inclusion = inclusion;
    this.identity = identity;
    setId("audit-view");
    add(new H2("Audit log"));

    kind.setLabel("Kind");
    kind.setId("audit-kind");
    kind.setItems("", "decision", "admin-change", "consent-revocation", "key-event");
    kind.setItemLabelGenerator(k -> k.isEmpty() ? "any" : k);
    kind.setValue("");
    effect.setLabel("Effect");
    effect.setId("audit-effect");
    effect.setItems("", "allow", "deny");
    effect.setItemLabelGenerator(e -> e.isEmpty() ? "any" : e);
    effect.setValue("");
    reason.setLabel("Reason");
    reason.setId("audit-reason");
    reason.setItems(
        java.util.stream.Stream.concat(
                java.util.stream.Stream.of(""),
                java.util.Arrays.stream(DecisionReason.values()).map(DecisionReason::wire))
            .toList());
    reason.setItemLabelGenerator(r -> r.isEmpty() ? "any" : r);
    reason.setValue("");
    from.setId("audit-from");
    to.setId("audit-to");
    peer.setId("audit-peer");
    policyVersion.setId("audit-policy-version");
    actor.setId("audit-actor");
    Button search = new Button("Search", e -> refresh());
    search.setId("audit-search");
    search.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    HorizontalLayout filters =
        new HorizontalLayout(from, to, kind, effect, reason, peer, policyVersion, actor, search);
    filters.setAlignItems(FlexComponent.Alignment.BASELINE);
    filters.setWrap(true);
    problem.setId("audit-problem");
    problem.addClassName("console-warning");

    grid.setId("audit-grid");
    grid.addColumn(EntryView::seq).setHeader("Seq").setWidth("8rem").setFlexGrow(0);
    grid.addColumn(e -> text(e.entry(), "time")).setHeader("Recorded (UTC)").setAutoWidth(true);
    grid.addColumn(e -> text(e.entry(), "kind")).setHeader("Kind").setAutoWidth(true);
    grid.addColumn(e -> text(e.entry(), "action")).setHeader("Action").setAutoWidth(true);
    grid.addColumn(e -> text(e.entry(), "outcome")).setHeader("Outcome").setAutoWidth(true);
    grid.addColumn(e -> detail(e.entry(), "reason")).setHeader("Reason").setAutoWidth(true);
    grid.addColumn(e -> text(e.entry(), "actor")).setHeader("Actor").setAutoWidth(true);
    grid.addColumn(e -> e.leafIndex() == null ? "pending" : Long.toString(e.leafIndex()))
        .setHeader("Leaf")
        .setAutoWidth(true);
    grid.addItemClickListener(click -> showEntry(click.getItem()));
    grid.setHeight("28rem");
    grid.setMinHeight("28rem");

    add(filters, problem, grid, exportSection(exports));
    if (ConsoleUser.current(identity.get()).isAdmin()) {
      add(erasureSection(erasure));
    }
    refresh();
  }

  /** Rebuilds the grid's lazy source for the current filters. */
  void refresh() {
    try {
      query(null, 1);
    } catch (ProblemException invalid) {
      problem.setText(invalid.getMessage());
      grid.setItems(List.of());
      return;
    }
    problem.setText("");
    KeysetPages<EntryView, Long> pages =
        new KeysetPages<>(
            (cursor, limit) -> {
              EntryPage page = reader.search(query(cursor, Math.min(limit, EntryQuery.MAX_LIMIT)));
              return new KeysetPages.Page<>(page.entries(), page.nextBefore());
            },
            EntryView::seq,
            PAGE);
    grid.setItems(query -> pages.rows(query.getOffset(), query.getLimit()).stream());
  }

  EntryQuery query(@Nullable Long before, int limit) {
    return new EntryQuery(
        instant(from.getValue()),
        instant(to.getValue()),
        EntryQuery.kind(ConsoleViews.blankToNull(kind.getValue())),
        ConsoleViews.blankToNull(peer.getValue()),
        ConsoleViews.blankToNull(effect.getValue()),
        ConsoleViews.blankToNull(reason.getValue()),
        ConsoleViews.blankToNull(policyVersion.getValue()),
        ConsoleViews.blankToNull(actor.getValue()),
        before,
        limit);
  }

  private void showEntry(EntryView entry) {
    Dialog dialog = new Dialog();
    dialog.setId("audit-entry");
    dialog.setHeaderTitle("Audit entry " + entry.seq());
    dialog.setWidth("min(60rem, 95vw)");
    Pre json = new Pre(entry.entry().toPrettyString());
    json.addClassName("console-code");
    json.setId("audit-entry-json");
    VerticalLayout result = new VerticalLayout();
    result.setPadding(false);
    result.setId("audit-inclusion");
    Button verify =
        new Button(
            "Verify inclusion",
            e -> {
              result.removeAll();
              InclusionCheck.Result r = inclusion.check(entry.seq());
              Paragraph verdict = new Paragraph(r.summary());
              verdict.setId("audit-inclusion-verdict");
              verdict.addClassName(r.verified() ? "console-ok" : "console-warning");
              result.add(verdict);
              if (!r.details().isEmpty()) {
                Pre proof = new Pre(r.details());
                proof.addClassName("console-code");
                proof.setId("audit-inclusion-proof");
                result.add(proof);
              }
            });
    verify.setId("audit-verify");
    verify.setEnabled(entry.leafIndex() != null);
    dialog.add(json, verify, result);
    dialog.getFooter().add(new Button("Close", e -> dialog.close()));
    dialog.open();
  }

  private VerticalLayout exportSection(AuditExports exports) {
    DateTimePicker exportFrom = new DateTimePicker("From (UTC)");
    DateTimePicker exportTo = new DateTimePicker("To (UTC)");
    exportFrom.setId("export-from");
    exportTo.setId("export-to");
    LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC).withNano(0);
    exportFrom.setValue(now.minusDays(1));
    exportTo.setValue(now.plusMinutes(1));
    Anchor bundle =
        new Anchor(
            download(
                () -> {
                  AuditExports.Spooled spooled =
                      exports.bundle(
                          AuditExports.Request.window(
                              required(exportFrom), required(exportTo), null, actorName()));
                  AuditExports.Summary s = java.util.Objects.requireNonNull(spooled.summary());
                  return new Download(
                      spooled,
                      "audit-" + s.firstLeaf() + "-" + s.endLeaf() + ".zip",
                      "application/zip");
                }),
            "Download verifiable bundle");
    bundle.setId("export-bundle");
    Anchor csv =
        new Anchor(
            download(
                () ->
                    new Download(
                        exports.csv(required(exportFrom), required(exportTo)),
                        "audit.csv",
                        "text/csv")),
            "Download CSV");
    csv.setId("export-csv");
    HorizontalLayout row = new HorizontalLayout(exportFrom, exportTo);
    row.setAlignItems(FlexComponent.Alignment.BASELINE);
    HorizontalLayout links = new HorizontalLayout(bundle, csv);
    VerticalLayout section =
        new VerticalLayout(
            new H3("Export a time window"),
            new Paragraph(
                "The bundle holds the entries, signed checkpoints, proofs and a signed manifest;"
                    + " verify it offline with bin/hsip audit verify (see Keys)."),
            row,
            links);
    section.setPadding(false);
    return section;
  }

  private record Download(AuditExports.Spooled export, String fileName, String contentType) {}

  @FunctionalInterface
  private interface DownloadSource {
    Download open();
  }

  /** A download that re-checks the caller's role on the request that fetches it. */
  private DownloadHandler download(DownloadSource source) {
    return event -> {
      SecurityIdentity caller = identity.get();
      if (!caller.hasRole(Roles.AUDITOR) && !caller.hasRole(Roles.ADMIN)) {
        event.getResponse().setStatus(403);
        return;
      }
      Download d;
      try {
        d = source.open();
      } catch (ProblemException refused) {
        event.getResponse().setStatus(refused.status());
        event.setContentType("text/plain");
        event.getWriter().print(refused.getMessage());
        return;
      } catch (IllegalArgumentException incomplete) {
        // A window picker left empty: say which, never a stack trace.
        event.getResponse().setStatus(400);
        event.setContentType("text/plain");
        event.getWriter().print(incomplete.getMessage());
        return;
      }
      event.setFileName(d.fileName());
      event.setContentType(d.contentType());
      d.export().writeTo(event.getOutputStream());
    };
  }

  private VerticalLayout erasureSection(SubjectErasure erasure) {
    TextField subject = new TextField("Subject (PeerID)");
    subject.setId("erase-peer");
    Button erase = new Button("Erase subject…");
    erase.setId("erase-subject");
    erase.addThemeVariants(ButtonVariant.LUMO_ERROR);
    erase.addClickListener(
        e -> {
          String peerId = subject.getValue().strip();
          ConfirmDialog confirm = new ConfirmDialog();
          confirm.setHeader("Erase " + peerId + "?");
          confirm.setText(
              "This destroys the subject's pseudonymisation key: its entries stay in the log and"
                  + " still verify, but can no longer be linked to this PeerID. It cannot be undone,"
                  + " and it is recorded in the audit log under your name.");
          confirm.setCancelable(true);
          confirm.setConfirmText("Erase");
          confirm.setConfirmButtonTheme("error primary");
          confirm.addConfirmListener(
              c -> {
                // Checked again here: the button is shown to admins only, the action is too.
                if (!identity.get().hasRole(Roles.ADMIN)) {
                  notify("Only admins may erase subjects.", false);
                  return;
                }
                try {
                  boolean had = erasure.erase(peerId, actorName());
                  notify(
                      had
                          ? "Erased: " + peerId + " can no longer be linked to its entries."
                          : "No pseudonymisation key for " + peerId + " (recorded).",
                      true);
                } catch (ProblemException refused) {
                  notify(refused.getMessage(), false);
                }
              });
          confirm.open();
        });
    HorizontalLayout row = new HorizontalLayout(subject, erase);
    row.setAlignItems(FlexComponent.Alignment.BASELINE);
    VerticalLayout section = new VerticalLayout(new H3("Erase a subject"), row);
    section.setPadding(false);
    return section;
  }

  private String actorName() {
    return identity.get().getPrincipal().getName();
  }

  private static void notify(String text, boolean ok) {
    Notification n = Notification.show(text, 6000, Notification.Position.TOP_CENTER);
    n.addThemeVariants(ok ? NotificationVariant.LUMO_SUCCESS : NotificationVariant.LUMO_ERROR);
  }

  private static Instant required(DateTimePicker picker) {
    Instant value = instant(picker.getValue());
    if (value == null) {
      throw new IllegalArgumentException(picker.getLabel() + " is required");
    }
    return value;
  }

  private static @Nullable Instant instant(@Nullable LocalDateTime value) {
    return value == null ? null : value.toInstant(ZoneOffset.UTC);
  }

  private static String text(JsonNode entry, String field) {
    JsonNode value = entry.get(field);
    return value == null || value.isNull() ? "" : value.asText();
  }

  private static String detail(JsonNode entry, String field) {
    JsonNode details = entry.get("details");
    return details == null ? "" : text(details, field);
  }
}
