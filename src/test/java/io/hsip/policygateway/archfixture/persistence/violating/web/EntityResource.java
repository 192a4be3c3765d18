package io.hsip.policygateway.archfixture.persistence.violating.web;

import io.hsip.policygateway.archfixture.persistence.violating.feature.Account;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Fixture: a resource that reads an entity itself. */
// Never deployed (the build profile does not exist): ArchUnit reads the class file, Quarkus skips
// it.
@IfBuildProfile("arch-fixture")
@Path("/archfixture/entity")
public class EntityResource {
  @GET
  public String first() {
    Account account = new Account();
    return account.name;
  }
}
