package io.hsip.policygateway.console;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.Layout;
import com.vaadin.flow.router.RouteConfiguration;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import java.util.List;

/**
 * The frame around every console view: the product name, a menu listing only the views the user may
 * open, who is signed in with which role, and sign-out (RP-initiated logout at the identity
 * provider).
 */
@Layout
@PermitAll
public class MainLayout extends AppLayout {

  private static final long serialVersionUID = 1L;

  /**
   * The path Quarkus OIDC answers with a logout at the identity provider (application.properties).
   */
  static final String LOGOUT_PATH = "/logout";

  /** The console's views in menu order; a view appears only to users who may open it. */
  static final List<Class<? extends com.vaadin.flow.component.Component>> MENU =
      List.of(
          DashboardView.class,
          PoliciesView.class,
          AuditView.class,
          DirectoryView.class,
          KeysView.class);

  MainLayout(ConsoleAccessControl access, SecurityIdentity identity) {
    ConsoleUser user = ConsoleUser.current(identity);
    H1 title = new H1("HSIP Policy Gateway");
    title.addClassName("console-title");

    SideNav nav = new SideNav();
    for (var view : MENU) {
      if (access.mayOpen(view)) {
        String path = RouteConfiguration.forSessionScope().getUrl(view);
        nav.addItem(new SideNavItem(ConsoleViews.title(view), path));
      }
    }
    addToDrawer(nav);

    Span who = new Span(user.name());
    who.setId("console-user");
    Span role = new Span(user.primaryRole().isEmpty() ? "no role" : user.primaryRole());
    role.setId("console-role");
    role.addClassName("console-role");
    Button signOut =
        new Button("Sign out", e -> UI.getCurrent().getPage().setLocation(LOGOUT_PATH));
    signOut.setId("sign-out");
    signOut.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
    HorizontalLayout account = new HorizontalLayout(who, role, signOut);
    account.setAlignItems(FlexComponent.Alignment.CENTER);
    account.addClassName("console-account");

    HorizontalLayout bar = new HorizontalLayout(new DrawerToggle(), title, account);
    bar.setWidthFull();
    bar.setAlignItems(FlexComponent.Alignment.CENTER);
    bar.expand(title);
    addToNavbar(bar);
  }
}
