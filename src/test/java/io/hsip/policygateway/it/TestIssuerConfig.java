package io.hsip.policygateway.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Hands the test issuer's OIDC settings to the packaged jar. They live on the test classpath only
 * ({@code META-INF/microprofile-config.properties}, so the production jar never trusts the test
 * issuer), and the jar the packaged-jar tests start does not see the test classpath: Quarkus passes
 * what {@link #start()} returns to it as system properties.
 */
public final class TestIssuerConfig implements QuarkusTestResourceLifecycleManager {

  static final String SOURCE = "META-INF/microprofile-config.properties";
  private static final String PREFIX = "%test.quarkus.oidc.";

  @Override
  public Map<String, String> start() {
    Properties test = new Properties();
    try (InputStream in = TestIssuerConfig.class.getClassLoader().getResourceAsStream(SOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SOURCE + " is not on the test classpath");
      }
      test.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> oidc = new TreeMap<>();
    for (String key : test.stringPropertyNames()) {
      if (key.startsWith(PREFIX)) {
        oidc.put("quarkus.oidc." + key.substring(PREFIX.length()), test.getProperty(key));
      }
    }
    if (!oidc.containsKey("quarkus.oidc.public-key")) {
      throw new IllegalStateException(SOURCE + " names no test issuer key");
    }
    return oidc;
  }

  @Override
  public void stop() {}
}
