package io.hsip.policygateway.archfixture.encapsulation.compliant.feature.internal.sub;

import io.hsip.policygateway.archfixture.encapsulation.compliant.feature.internal.Secret;

/** Fixture: the internal package's own sub-packages may use each other. */
public class Helping {
  public String value() {
    return new Secret().value();
  }
}
