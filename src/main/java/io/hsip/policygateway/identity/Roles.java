package io.hsip.policygateway.identity;

/**
 * The gateway's roles, as the identity provider (Keycloak realm roles) names them. The only place
 * they are spelt.
 */
public final class Roles {

  /** Edits and publishes policies, manages members, blocks peers, revokes consents. */
  public static final String ADMIN = "hsip-admin";

  /** Reads and exports the audit log and verifies it; changes nothing. */
  public static final String AUDITOR = "hsip-auditor";

  /** Reads policies and decisions; changes nothing. */
  public static final String VIEWER = "hsip-viewer";

  /**
   * An organisation HSIP daemon asking the decision API about requests addressed to the member or
   * service identity its token's subject is bound to in the directory.
   */
  public static final String DAEMON = "hsip-daemon";

  private Roles() {}
}
