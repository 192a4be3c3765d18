package io.hsip.policygateway.console;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;

/** Shown instead of a view the signed-in user's role does not open. */
@Route("access-denied")
@PageTitle("Access denied · HSIP Policy Gateway")
@PermitAll
public class AccessDeniedView extends VerticalLayout {

  private static final long serialVersionUID = 1L;

  AccessDeniedView() {
    setId("access-denied");
    add(
        new H2("Your role does not open this page"),
        new Paragraph("The menu lists the pages your role opens."));
  }
}
