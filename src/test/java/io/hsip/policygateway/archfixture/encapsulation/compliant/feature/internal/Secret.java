package io.hsip.policygateway.archfixture.encapsulation.compliant.feature.internal;

/** Fixture: an implementation class of the fake feature. */
public class Secret {
  public String value() {
    return "secret";
  }
}
