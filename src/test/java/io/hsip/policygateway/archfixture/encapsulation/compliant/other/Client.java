package io.hsip.policygateway.archfixture.encapsulation.compliant.other;

import io.hsip.policygateway.archfixture.encapsulation.compliant.feature.FeatureService;

/** Fixture: another feature going through the fake feature's public API. */
public class Client {
  public int use() {
    return new FeatureService().length();
  }
}
