package io.hsip.policygateway.archfixture.persistence.violating.feature;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * Fixture: an active-record entity. Deliberately not annotated with {@code @Entity}, so that the
 * test application never maps it; the rule recognises entities by their Panache supertype.
 */
public class Account extends PanacheEntityBase {
  public String name = "";
}
