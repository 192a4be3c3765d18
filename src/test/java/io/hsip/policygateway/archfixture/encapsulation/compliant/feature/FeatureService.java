package io.hsip.policygateway.archfixture.encapsulation.compliant.feature;

import io.hsip.policygateway.archfixture.encapsulation.compliant.feature.internal.Secret;

/** Fixture: the fake feature's public API, which may use its own internal package. */
public class FeatureService {
  public int length() {
    return new Secret().value().length();
  }
}
