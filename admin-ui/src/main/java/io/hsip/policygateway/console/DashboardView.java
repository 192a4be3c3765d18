package io.hsip.policygateway.console;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.hsip.policygateway.audit.AuditIntegration;
import io.hsip.policygateway.audit.AuditReader;
import io.hsip.policygateway.audit.AuditViews.CheckpointView;
import io.hsip.policygateway.gateway.stats.DashboardFigures;
import io.hsip.policygateway.gateway.stats.DashboardFigures.Count;
import io.hsip.policygateway.gateway.stats.DashboardFigures.Minute;
import io.hsip.policygateway.gateway.stats.DashboardFigures.Replica;
import io.hsip.policygateway.gateway.stats.DashboardFigures.Snapshot;
import io.hsip.policygateway.identity.Roles;
import io.quarkus.logging.Log;
import jakarta.annotation.security.RolesAllowed;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the gateway is doing now, over all replicas: decisions per minute by effect, the top deny
 * reasons and matched rules, the policy version each replica has live, and how far the audit log's
 * signed tree trails the appends. Refreshes itself by server push.
 */
@Route("dashboard")
@PageTitle("Dashboard · HSIP Policy Gateway")
@RolesAllowed({Roles.ADMIN, Roles.AUDITOR, Roles.VIEWER})
public class DashboardView extends VerticalLayout {

  private static final long serialVersionUID = 1L;

  /** The window the figures cover. */
  static final int MINUTES = 15;

  static final Duration REFRESH = Duration.ofSeconds(5);

  private static final DateTimeFormatter HH_MM =
      DateTimeFormatter.ofPattern("HH:mm", java.util.Locale.ROOT).withZone(ZoneOffset.UTC);

  private final Span allowed = tile("dashboard-allowed");
  private final Span denied = tile("dashboard-denied");
  private final Span pending = tile("dashboard-audit-pending");
  private final Span pendingAge = tile("dashboard-audit-lag");
  private final Div bars = new Div();
  private final Grid<Count> reasons = new Grid<>(Count.class, false);
  private final Grid<Count> rules = new Grid<>(Count.class, false);
  private final Grid<Replica> replicas = new Grid<>(Replica.class, false);
  private final Paragraph checkpoint = new Paragraph();
  private final Paragraph status = new Paragraph();

  /** What one refresh loads. */
  record Figures(
      @Nullable Snapshot snapshot,
      long pending,
      Duration pendingAge,
      Optional<CheckpointView> checkpoint) {}

  DashboardView(
      DashboardFigures figures,
      AuditIntegration integration,
      AuditReader audit,
      LiveRefresh refresh) {
    setId("dashboard-view");
    add(new H2("Dashboard"));
    FlexLayout tiles =
        new FlexLayout(
            labelled("Allowed, last " + MINUTES + " min", allowed),
            labelled("Denied, last " + MINUTES + " min", denied),
            labelled("Audit entries awaiting signature", pending),
            labelled("Oldest of them has waited", pendingAge));
    tiles.addClassName("dashboard-tiles");
    bars.setId("dashboard-minutes");
    bars.addClassName("dashboard-bars");

    reasons.setId("dashboard-deny-reasons");
    reasons.addColumn(Count::name).setHeader("Deny reason");
    reasons.addColumn(Count::count).setHeader("Decisions");
    reasons.setAllRowsVisible(true);
    rules.setId("dashboard-rules");
    rules.addColumn(Count::name).setHeader("Rule");
    rules.addColumn(Count::count).setHeader("Matches");
    rules.setAllRowsVisible(true);
    replicas.setId("dashboard-replicas");
    replicas.addColumn(Replica::name).setHeader("Replica");
    replicas
        .addColumn(
            r ->
                r.policyVersion() == null
                    ? "none loaded"
                    : r.policySet() + " v" + r.policyVersion())
        .setHeader("Live policy");
    replicas
        .addColumn(r -> r.policyDigest() == null ? "" : shortDigest(r.policyDigest()))
        .setHeader("Digest");
    replicas.addColumn(r -> HH_MM.format(r.seenAt()) + " UTC").setHeader("Last seen");
    replicas.setAllRowsVisible(true);
    checkpoint.setId("dashboard-checkpoint");
    status.setId("dashboard-status");
    status.addClassName("console-warning");

    add(
        tiles,
        new H3("Decisions per minute (UTC)"),
        bars,
        new H3("Top deny reasons"),
        reasons,
        new H3("Top matched rules"),
        rules,
        new H3("Replicas and their live policy"),
        replicas,
        new H3("Audit log"),
        checkpoint,
        status);

    render(load(figures, integration, audit));
    // A private method: the refresh thread has no request and no identity, and a call through this
    // bean's non-private methods would meet the @RolesAllowed check and fail.
    refresh.whileAttached(this, REFRESH, () -> load(figures, integration, audit), this::render);
  }

  /** An integration lag for people: whole seconds below a minute, then minutes and seconds. */
  static String seconds(Duration age) {
    long s = age.toSeconds();
    return s < 60 ? s + " s" : s / 60 + " min " + s % 60 + " s";
  }

  static Figures load(DashboardFigures figures, AuditIntegration integration, AuditReader audit) {
    Snapshot snapshot;
    try {
      snapshot = figures.snapshot(MINUTES, 10);
    } catch (SQLException | RuntimeException e) {
      Log.warnf("Dashboard figures unavailable: %s", e.getMessage());
      snapshot = null;
    }
    Optional<CheckpointView> latest;
    try {
      latest = audit.findLatestCheckpoint();
    } catch (RuntimeException e) {
      latest = Optional.empty();
    }
    return new Figures(snapshot, integration.pendingEntries(), integration.pendingAge(), latest);
  }

  /** Shows figures, as a refresh does; for tests, which call it as the signed-in user. */
  void show(Figures f) {
    render(f);
  }

  private void render(Figures f) {
    pending.setText(f.pending() < 0 ? "unknown" : Long.toString(f.pending()));
    pendingAge.setText(seconds(f.pendingAge()));
    checkpoint.setText(
        f.checkpoint()
            .map(
                cp ->
                    "Latest signed checkpoint: tree size "
                        + cp.treeSize()
                        + ", signed at "
                        + cp.signedAt()
                        + ".")
            .orElse("No checkpoint signed yet."));
    Snapshot s = f.snapshot();
    if (s == null) {
      status.setText("The database did not answer; figures will refresh when it does.");
      return;
    }
    status.setText("");
    allowed.setText(Long.toString(s.allowed()));
    denied.setText(Long.toString(s.denied()));
    reasons.setItems(s.denyReasons());
    rules.setItems(s.rules());
    replicas.setItems(s.replicas());
    long max =
        Math.max(1, s.minutes().stream().mapToLong(m -> m.allowed() + m.denied()).max().orElse(1));
    bars.removeAll();
    for (Minute m : s.minutes()) {
      bars.add(bar(m, max));
    }
  }

  private static Div bar(Minute m, long max) {
    Div allow = new Div();
    allow.addClassName("dashboard-bar-allow");
    allow.getStyle().set("height", percent(m.allowed(), max));
    Div deny = new Div();
    deny.addClassName("dashboard-bar-deny");
    deny.getStyle().set("height", percent(m.denied(), max));
    Div stack = new Div(deny, allow);
    stack.addClassName("dashboard-bar-stack");
    Span label = new Span(HH_MM.format(m.minute()));
    label.addClassName("dashboard-bar-label");
    Div column = new Div(stack, label);
    column.addClassName("dashboard-bar");
    column
        .getElement()
        .setAttribute(
            "title",
            HH_MM.format(m.minute())
                + " UTC: "
                + m.allowed()
                + " allowed, "
                + m.denied()
                + " denied");
    return column;
  }

  private static String percent(long n, long max) {
    return (n * 100 / max) + "%";
  }

  private static String shortDigest(String digest) {
    return digest.length() <= 19 ? digest : digest.substring(0, 19) + "…";
  }

  private static Span tile(String id) {
    Span value = new Span("–");
    value.setId(id);
    value.addClassName("dashboard-tile-value");
    return value;
  }

  private static Div labelled(String label, Span value) {
    Span name = new Span(label);
    name.addClassName("dashboard-tile-label");
    Div tile = new Div(value, name);
    tile.addClassName("dashboard-tile");
    return tile;
  }
}
