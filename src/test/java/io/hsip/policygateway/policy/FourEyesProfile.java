package io.hsip.policygateway.policy;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Four-eyes publishing on (the test profile turns it off). One class for every test that needs it,
 * so that Quarkus starts the application once for all of them.
 */
public final class FourEyesProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of("policy.four-eyes", "true");
  }
}
