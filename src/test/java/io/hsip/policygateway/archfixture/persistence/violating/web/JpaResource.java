package io.hsip.policygateway.archfixture.persistence.violating.web;

import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Fixture: a resource that queries through JPA. */
// Never deployed (the build profile does not exist): ArchUnit reads the class file, Quarkus skips
// it.
@IfBuildProfile("arch-fixture")
@Path("/archfixture/jpa")
public class JpaResource {
  EntityManager entityManager;

  @GET
  public long count() {
    return entityManager
        .createQuery("select count(a) from Account a", Long.class)
        .getSingleResult();
  }
}
