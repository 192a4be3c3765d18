package io.hsip.policygateway.archfixture.encapsulation.violating.feature.api;

import io.hsip.policygateway.archfixture.encapsulation.violating.feature.internal.Secret;

/**
 * Fixture: a sub-package of the same feature is another package, so it goes through the feature
 * root too.
 */
public class Reader {
  public String read() {
    return new Secret().value();
  }
}
