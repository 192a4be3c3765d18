package io.hsip.policygateway.archfixture.encapsulation.violating.feature.internal;

/** Fixture: an implementation class of the fake feature. */
public class Secret {
  public String value() {
    return "secret";
  }
}
