package io.hsip.policygateway.console;

import io.hsip.policygateway.identity.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import java.util.List;
import java.util.Set;

/**
 * The signed-in console user as the views need it: a display name and the console roles held.
 *
 * @param name the preferred user name from the identity provider (never a token)
 * @param roles the gateway roles held that open the console (the daemon role does not)
 */
public record ConsoleUser(String name, Set<String> roles) {

  /** Roles that open the console, most powerful first. */
  public static final List<String> CONSOLE_ROLES =
      List.of(Roles.ADMIN, Roles.AUDITOR, Roles.VIEWER);

  public ConsoleUser {
    roles = Set.copyOf(roles);
  }

  static ConsoleUser current(SecurityIdentity identity) {
    String name = identity.isAnonymous() ? "" : identity.getPrincipal().getName();
    Set<String> held = Set.copyOf(CONSOLE_ROLES.stream().filter(identity::hasRole).toList());
    return new ConsoleUser(name, held);
  }

  public boolean hasAnyConsoleRole() {
    return !roles.isEmpty();
  }

  public boolean isAdmin() {
    return roles.contains(Roles.ADMIN);
  }

  /** The most powerful console role held, for display; empty when none. */
  public String primaryRole() {
    return CONSOLE_ROLES.stream().filter(roles::contains).findFirst().orElse("");
  }
}
