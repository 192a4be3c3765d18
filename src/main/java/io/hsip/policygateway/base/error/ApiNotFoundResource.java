package io.hsip.policygateway.base.error;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Keeps unknown API paths in the API: without it, a path under /api that no resource serves would
 * fall through to the console's servlet. Any resource with a longer literal path wins over this one
 * (JAX-RS matching), so known paths keep their 405 for a wrong method; unknown ones get a
 * problem+json 404.
 */
@Path("/api/{path: .*}")
@PermitAll
public class ApiNotFoundResource {

  @GET
  @Operation(hidden = true)
  public void get() {
    throw new NotFoundException();
  }

  @POST
  @Operation(hidden = true)
  public void post() {
    throw new NotFoundException();
  }

  @PUT
  @Operation(hidden = true)
  public void put() {
    throw new NotFoundException();
  }

  @DELETE
  @Operation(hidden = true)
  public void delete() {
    throw new NotFoundException();
  }

  @PATCH
  @Operation(hidden = true)
  public void patch() {
    throw new NotFoundException();
  }
}
