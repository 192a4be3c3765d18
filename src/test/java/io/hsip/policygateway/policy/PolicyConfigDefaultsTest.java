package io.hsip.policygateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.policy.compile.PolicyLimits;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Four-eyes is what production gets without being asked; only dev and test turn it off. The
 * document limits have one source, {@link PolicyLimits#DEFAULTS}, which the configuration shipped
 * does not contradict and the HTTP layer admits.
 */
class PolicyConfigDefaultsTest {

  private static PolicyConfig policy(String profile, boolean withApplicationProperties)
      throws IOException {
    SmallRyeConfigBuilder builder =
        new SmallRyeConfigBuilder()
            .withProfile(profile)
            .addDefaultInterceptors()
            // Quarkus spells durations "1s"; plain SmallRye only reads ISO-8601.
            .withConverter(Duration.class, 100, new DurationConverter())
            .withMapping(PolicyConfig.class);
    if (withApplicationProperties) {
      URL properties = PolicyConfigDefaultsTest.class.getResource("/application.properties");
      builder.withSources(new PropertiesConfigSource(properties, 250));
    }
    SmallRyeConfig config = builder.build();
    return config.getConfigMapping(PolicyConfig.class);
  }

  @Test
  void productionRequiresASecondAdmin() throws IOException {
    assertThat(policy("prod", true).fourEyes()).isTrue();
  }

  @Test
  void withNothingConfiguredFourEyesIsOn() throws IOException {
    assertThat(policy("prod", false).fourEyes()).isTrue();
  }

  @Test
  void theShippedConfigurationKeepsTheLimitsOfTheCompilerAndTheCli() throws IOException {
    for (String profile : new String[] {"prod", "dev", "test"}) {
      assertThat(PolicyCompilerProducer.limits(policy(profile, true).limits()))
          .as(profile)
          .isEqualTo(PolicyLimits.DEFAULTS);
    }
    assertThat(PolicyLimits.DEFAULTS.maxRules()).isEqualTo(20_000);
  }

  @Test
  void theHttpLayerAdmitsTheLargestDocumentThePolicyLimitsAllow() throws IOException {
    Properties properties = new Properties();
    try (var in = PolicyConfigDefaultsTest.class.getResourceAsStream("/application.properties")) {
      properties.load(in);
    }
    long httpLimit =
        new MemorySizeConverter()
            .convert(properties.getProperty("quarkus.http.limits.max-body-size"))
            .asLongValue();
    assertThat(httpLimit).isGreaterThanOrEqualTo(PolicyLimits.DEFAULTS.maxBytes());
  }

  @Test
  void developmentAndTestsPublishDirectly() throws IOException {
    assertThat(policy("dev", true).fourEyes()).isFalse();
    assertThat(policy("test", true).fourEyes()).isFalse();
  }
}
