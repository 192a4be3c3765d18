package io.hsip.policygateway.archfixture.persistence.compliant.web;

import io.hsip.policygateway.archfixture.persistence.compliant.feature.AccountService;
import io.hsip.policygateway.archfixture.persistence.compliant.feature.AccountService.AccountSummary;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;

/** Fixture: a resource that only calls the service and returns its records. */
// Never deployed (the build profile does not exist): ArchUnit reads the class file, Quarkus skips
// it.
@IfBuildProfile("arch-fixture")
@Path("/archfixture/accounts")
public class AccountResource {
  AccountService service;

  @GET
  public List<AccountSummary> list() {
    return service.list(List.of());
  }
}
