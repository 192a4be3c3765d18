package io.hsip.policygateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AccessAnnotationChecker;
import io.hsip.policygateway.identity.Roles;
import java.security.Principal;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every console route × anonymous, viewer, auditor, admin and daemon, decided by the same
 * annotation check {@link ConsoleAccessControl} applies on every navigation. Routes are discovered
 * from the classes, so a new view without a line here fails the build. (ConsoleBrowserIT proves the
 * check is wired in, through a real sign-in.)
 */
class ConsoleRouteMatrixTest {

  private static final String AUTHENTICATED = "any signed-in user";

  /** Route → who may open it, written by hand. */
  private static final Map<String, Set<String>> EXPECTED =
      Map.of(
          "", Set.of(AUTHENTICATED),
          "dashboard", Set.of(Roles.ADMIN, Roles.AUDITOR, Roles.VIEWER),
          "keys", Set.of(Roles.ADMIN, Roles.AUDITOR),
          "audit", Set.of(Roles.ADMIN, Roles.AUDITOR),
          "policies", Set.of(Roles.ADMIN, Roles.AUDITOR),
          "directory", Set.of(Roles.ADMIN, Roles.AUDITOR),
          "no-role", Set.of(AUTHENTICATED),
          "access-denied", Set.of(AUTHENTICATED));

  private static final Map<String, Set<String>> PERSONAS =
      Map.of(
          "viewer", Set.of(Roles.VIEWER),
          "auditor", Set.of(Roles.AUDITOR),
          "admin", Set.of(Roles.ADMIN),
          "daemon", Set.of(Roles.DAEMON),
          "no role", Set.of());

  private final AccessAnnotationChecker checker = new AccessAnnotationChecker();

  @Test
  void everyRouteHasAnEntryAndEveryEntryARoute() {
    assertThat(routes().keySet()).isEqualTo(EXPECTED.keySet());
  }

  @Test
  void anonymousOpensNoRoute() {
    routes()
        .forEach(
            (route, view) ->
                assertThat(checker.hasAccess(view, null, role -> false)).as(route).isFalse());
  }

  @Test
  void eachPersonaOpensExactlyTheRoutesOfItsRole() {
    Principal principal = () -> "someone";
    routes()
        .forEach(
            (route, view) ->
                PERSONAS.forEach(
                    (persona, roles) -> {
                      Set<String> allowed = EXPECTED.get(route);
                      boolean expected =
                          allowed.contains(AUTHENTICATED)
                              || roles.stream().anyMatch(allowed::contains);
                      assertThat(checker.hasAccess(view, principal, roles::contains))
                          .as(persona + " → /" + route)
                          .isEqualTo(expected);
                    }));
  }

  @Test
  void theDaemonRoleOpensNoConsoleView() {
    Principal principal = () -> "daemon";
    for (Class<?> view : MainLayout.MENU) {
      assertThat(checker.hasAccess(view, principal, Set.of(Roles.DAEMON)::contains))
          .as(view.getSimpleName())
          .isFalse();
    }
  }

  private static Map<String, Class<?>> routes() {
    Map<String, Class<?>> routes = new TreeMap<>();
    for (JavaClass type :
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.hsip.policygateway.console")) {
      if (type.isAnnotatedWith(Route.class)) {
        Class<?> view = type.reflect();
        routes.put(view.getAnnotation(Route.class).value(), view);
      }
    }
    return routes;
  }
}
