package io.hsip.policygateway.console;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;

/** The console's address: opens the first page of the menu the user may see. */
@Route(value = "", autoLayout = false)
@PermitAll
public class HomeView extends Div implements BeforeEnterObserver {

  private static final long serialVersionUID = 1L;

  private final ConsoleAccessControl access;

  HomeView(ConsoleAccessControl access) {
    this.access = access;
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    for (var view : MainLayout.MENU) {
      if (access.mayOpen(view)) {
        event.forwardTo(view);
        return;
      }
    }
    event.forwardTo(NoRoleView.class);
  }
}
