package io.hsip.policygateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import io.hsip.policygateway.audit.AuditIntegration;
import io.hsip.policygateway.audit.AuditReader;
import io.hsip.policygateway.gateway.stats.DashboardFigures;
import io.hsip.policygateway.gateway.stats.DashboardFigures.Count;
import io.hsip.policygateway.gateway.stats.DashboardFigures.Minute;
import io.hsip.policygateway.gateway.stats.DashboardFigures.Snapshot;
import io.hsip.policygateway.identity.Roles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The dashboard renders what it loads, and says so when the database does not answer. */
@QuarkusTest
class DashboardViewTest {

  @Inject DashboardFigures figures;
  @Inject AuditIntegration integration;
  @Inject AuditReader audit;
  @Inject LiveRefresh refresh;

  @Test
  @TestSecurity(user = "viewer", roles = Roles.VIEWER)
  void showsTheTotalsAndOneBarPerMinute() {
    DashboardView view = new DashboardView(figures, integration, audit, refresh);
    Instant start = Instant.parse("2026-12-03T10:00:00Z");
    List<Minute> minutes = new ArrayList<>();
    for (int i = 0; i < DashboardView.MINUTES; i++) {
      minutes.add(new Minute(start.plusSeconds(60L * i), i, 2));
    }
    Snapshot snapshot =
        new Snapshot(start, minutes, List.of(new Count("policy_deny", 30)), List.of(), List.of());

    view.show(new DashboardView.Figures(snapshot, 7, Duration.ofSeconds(83), Optional.empty()));

    assertThat(ComponentTree.require(view, "dashboard-allowed", Span.class).getText())
        .isEqualTo(Long.toString(DashboardView.MINUTES * (DashboardView.MINUTES - 1) / 2));
    assertThat(ComponentTree.require(view, "dashboard-denied", Span.class).getText())
        .isEqualTo(Long.toString(2L * DashboardView.MINUTES));
    assertThat(ComponentTree.require(view, "dashboard-audit-pending", Span.class).getText())
        .isEqualTo("7");
    assertThat(ComponentTree.require(view, "dashboard-audit-lag", Span.class).getText())
        .isEqualTo("1 min 23 s");
    assertThat(ComponentTree.require(view, "dashboard-minutes", Div.class).getChildren().count())
        .isEqualTo(DashboardView.MINUTES);
    assertThat(ComponentTree.require(view, "dashboard-checkpoint", Paragraph.class).getText())
        .isEqualTo("No checkpoint signed yet.");
  }

  @Test
  @TestSecurity(user = "viewer", roles = Roles.VIEWER)
  void saysWhenTheFiguresAreUnavailable() {
    DashboardView view = new DashboardView(figures, integration, audit, refresh);
    view.show(new DashboardView.Figures(null, 0, Duration.ZERO, Optional.empty()));
    assertThat(ComponentTree.require(view, "dashboard-status", Paragraph.class).getText())
        .contains("did not answer");
  }
}
