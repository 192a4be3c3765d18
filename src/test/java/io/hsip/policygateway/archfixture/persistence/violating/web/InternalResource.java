package io.hsip.policygateway.archfixture.persistence.violating.web;

import io.hsip.policygateway.archfixture.persistence.violating.feature.internal.AccountStore;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Fixture: a resource that calls an internal storage class. */
// Never deployed (the build profile does not exist): ArchUnit reads the class file, Quarkus skips
// it.
@IfBuildProfile("arch-fixture")
@Path("/archfixture/internal")
public class InternalResource {
  @GET
  public String find() {
    return new AccountStore().find("a");
  }
}
