package io.hsip.policygateway.archfixture.persistence.violating.feature.internal;

/** Fixture: an internal storage class of the fake feature. */
public class AccountStore {
  public String find(String name) {
    return name;
  }
}
