package io.hsip.policygateway.console;

import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.policy.lifecycle.Actor;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who acts when a console user changes something: the SSO user's subject and name, as every audit
 * entry of the change records it. Also the server-side role check of every console action: a button
 * hidden from a role is refused to it here too.
 */
final class ConsoleActor {

  private ConsoleActor() {}

  /** The signed-in admin as the actor of a change; refuses anyone who is not an admin. */
  static Actor admin(SecurityIdentity identity) {
    if (identity.isAnonymous() || !identity.hasRole(Roles.ADMIN)) {
      throw new ForbiddenException("changes in the console need the role " + Roles.ADMIN);
    }
    String subject =
        identity.getPrincipal() instanceof JsonWebToken token && token.getSubject() != null
            ? token.getSubject()
            : identity.getPrincipal().getName();
    return new Actor(subject, identity.getPrincipal().getName(), false);
  }
}
