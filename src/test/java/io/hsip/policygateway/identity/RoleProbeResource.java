package io.hsip.policygateway.identity;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Test-only endpoints guarded by each role, to prove the bearer-token set-up. */
@Path("/api/test-only/roles")
public class RoleProbeResource {

  @Inject SecurityIdentity identity;

  @GET
  @Path("/admin")
  @RolesAllowed(Roles.ADMIN)
  public String admin() {
    return identity.getPrincipal().getName();
  }

  @GET
  @Path("/auditor")
  @RolesAllowed({Roles.AUDITOR, Roles.ADMIN})
  public String auditor() {
    return identity.getPrincipal().getName();
  }
}
