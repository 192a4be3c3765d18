package io.hsip.policygateway.gateway.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.gateway.GatewayConfig;
import io.hsip.policygateway.hsip.net.UdpConsentResponder;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Unconfigured, the UDP listeners run with exactly the engine's limits; production declares no
 * listener (and no throwaway key) unless the operator does; tests declare two, on free ports.
 */
class GatewayConfigDefaultsTest {

  private static GatewayConfig gateway(String profile, boolean withApplicationProperties)
      throws IOException {
    SmallRyeConfigBuilder builder =
        new SmallRyeConfigBuilder()
            .withProfile(profile)
            .addDefaultInterceptors()
            .withConverter(Duration.class, 100, new DurationConverter())
            .withMapping(GatewayConfig.class);
    if (withApplicationProperties) {
      URL properties = GatewayConfigDefaultsTest.class.getResource("/application.properties");
      builder.withSources(new PropertiesConfigSource(properties, 250));
    }
    return builder.build().getConfigMapping(GatewayConfig.class);
  }

  @Test
  void unconfiguredLimitsAreTheEnginesDefaults() throws IOException {
    assertThat(UdpListeners.limits(gateway("prod", false).udp()))
        .isEqualTo(UdpConsentResponder.Limits.DEFAULT);
  }

  @Test
  void theNeutralReputationAndTheBenchmarkSwitchDefaults() throws IOException {
    GatewayConfig config = gateway("prod", true);
    assertThat(config.reputation().neutral()).isEqualTo(50);
    assertThat(config.benchmark().skipAudit()).isFalse();
  }

  @Test
  void productionDeclaresNoListenerOfItsOwn() throws IOException {
    assertThat(gateway("prod", true).listeners()).isEmpty();
  }

  @Test
  void testsDeclareTwoListenersOnFreePorts() throws IOException {
    GatewayConfig config = gateway("test", true);
    assertThat(config.listeners()).containsOnlyKeys("main", "protected");
    GatewayConfig.Listener main = config.listeners().get("main");
    assertThat(main.port()).contains(0);
    assertThat(main.keyFile()).contains(Path.of("target/test-listener-main.pem"));
    assertThat(config.listeners().get("protected").keyFile())
        .contains(Path.of("target/test-listener-protected.pem"));
  }
}
