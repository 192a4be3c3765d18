package io.hsip.policygateway.console;

import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.auth.AccessAnnotationChecker;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

/**
 * Server-side role check on every navigation: a view opens only if its security annotations
 * ({@code @RolesAllowed}, {@code @PermitAll}, none = denied) admit the signed-in user. The identity
 * is the one Quarkus OIDC established for this request, not anything the browser says.
 *
 * <p>A user who may not open a view lands on {@link AccessDeniedView}; a user with no gateway role
 * at all lands on {@link NoRoleView}. Anonymous requests never reach Vaadin: the HTTP layer sends
 * them to the identity provider first.
 */
@ApplicationScoped
public class ConsoleAccessControl {

  private final AccessAnnotationChecker annotations = new AccessAnnotationChecker();
  private final Instance<SecurityIdentity> identity;

  ConsoleAccessControl(Instance<SecurityIdentity> identity) {
    this.identity = identity;
  }

  void onServiceInit(@Observes ServiceInitEvent event) {
    event.getSource().addUIInitListener(ui -> ui.getUI().addBeforeEnterListener(this::beforeEnter));
  }

  /** Whether the current user may open {@code view}; used for navigation and for the menu. */
  public boolean mayOpen(Class<?> view) {
    SecurityIdentity current = identity.get();
    if (current.isAnonymous()) {
      return false;
    }
    return annotations.hasAccess(view, current.getPrincipal(), current::hasRole);
  }

  private void beforeEnter(BeforeEnterEvent event) {
    Class<?> target = event.getNavigationTarget();
    if (mayOpen(target)) {
      return;
    }
    if (!ConsoleUser.current(identity.get()).hasAnyConsoleRole()) {
      event.rerouteTo(NoRoleView.class);
    } else {
      event.rerouteTo(AccessDeniedView.class);
    }
  }
}
