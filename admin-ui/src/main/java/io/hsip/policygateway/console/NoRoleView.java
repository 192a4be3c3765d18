package io.hsip.policygateway.console;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;

/**
 * Where a user lands who signed in but holds no console role: says so plainly and how to get one,
 * instead of an empty console or an error. Outside {@link MainLayout}: there is nothing to
 * navigate.
 */
@Route(value = "no-role", autoLayout = false)
@PageTitle("No access · HSIP Policy Gateway")
@PermitAll
public class NoRoleView extends VerticalLayout {

  private static final long serialVersionUID = 1L;

  NoRoleView(SecurityIdentity identity) {
    setId("no-role");
    String name = identity.isAnonymous() ? "" : identity.getPrincipal().getName();
    add(
        new H2("You are signed in, but have no access to this console"),
        new Paragraph(
            "Signed in as "
                + name
                + ". The console opens for the roles hsip-admin, hsip-auditor and hsip-viewer;"
                + " your account holds none of them."),
        new Paragraph(
            "Ask your identity provider's administrator to grant you one of these roles, then sign"
                + " in again."),
        new Button("Sign out", e -> UI.getCurrent().getPage().setLocation(MainLayout.LOGOUT_PATH)));
  }
}
