package io.hsip.policygateway.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Configuration of consent enforcement. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

  /** Rules for incoming consent requests. */
  Consent consent();

  /** How often expired nonces are deleted from the shared ledger. */
  @WithDefault("60s")
  Duration noncePurgeInterval();

  /** Consent request time rules. */
  interface Consent {
    /** How far a request's {@code ts_ms} may differ from our clock, either way. */
    @WithDefault("60s")
    Duration clockSkew();

    /** How far {@code expires_ms} may lie after {@code ts_ms}. */
    @WithDefault("24h")
    Duration maxLifetime();
  }
}
