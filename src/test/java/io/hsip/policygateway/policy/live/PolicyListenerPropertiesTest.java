package io.hsip.policygateway.policy.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The listening connection connects as the datasource does, and cannot block forever on a dead
 * socket.
 */
class PolicyListenerPropertiesTest {

  @Test
  void theListenerGetsTimeoutsAndKeepAliveByDefault() {
    Properties props =
        LivePolicy.listenerProperties(
            Map.of(), "hsip", Optional.of("pw"), Duration.ofMillis(14_500));
    assertThat(props)
        .containsEntry("socketTimeout", "15")
        .containsEntry("connectTimeout", "15")
        .containsEntry("loginTimeout", "15")
        .containsEntry("tcpKeepAlive", "true")
        .containsEntry("user", "hsip")
        .containsEntry("password", "pw")
        .containsEntry("ApplicationName", "hsip-policy-reloader");
  }

  @Test
  void theDatasourcesOwnDriverSettingsWin() {
    Properties props =
        LivePolicy.listenerProperties(
            Map.of("sslmode", "verify-full", "socketTimeout", "5", "tcpKeepAlive", "false"),
            "hsip",
            Optional.empty(),
            Duration.ofSeconds(15));
    assertThat(props)
        .containsEntry("sslmode", "verify-full")
        .containsEntry("socketTimeout", "5")
        .containsEntry("tcpKeepAlive", "false")
        .doesNotContainKey("password");
  }
}
