package io.hsip.policygateway.archfixture.encapsulation.violating.other;

import io.hsip.policygateway.archfixture.encapsulation.violating.feature.internal.Secret;

/** Fixture: another feature reaching into the fake feature's internal package. */
public class Leaker {
  public String leak() {
    return new Secret().value();
  }
}
