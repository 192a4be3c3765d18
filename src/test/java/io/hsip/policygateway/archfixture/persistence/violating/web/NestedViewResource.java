package io.hsip.policygateway.archfixture.persistence.violating.web;

import io.hsip.policygateway.archfixture.persistence.violating.feature.Account;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Fixture: a resource whose nested API record is built from an entity. */
// Never deployed (the build profile does not exist): ArchUnit reads the class file, Quarkus skips
// it.
@IfBuildProfile("arch-fixture")
@Path("/archfixture/nested")
public class NestedViewResource {

  /** Fixture: an API record that reads an entity. */
  public record AccountView(String name) {
    static AccountView of(Account account) {
      return new AccountView(account.name);
    }
  }

  @GET
  public String name() {
    return "a";
  }
}
