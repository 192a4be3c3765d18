package io.hsip.policygateway.gateway;

import io.hsip.policygateway.gateway.replay.NonceLedger;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Builds the consent validator from configuration and the shared nonce ledger. */
@ApplicationScoped
public class ConsentValidatorProducer {

  @Produces
  @ApplicationScoped
  ConsentValidator consentValidator(GatewayConfig config, NonceLedger ledger) {
    return new ConsentValidator(
        new ConsentValidator.Rules(config.consent().clockSkew(), config.consent().maxLifetime()),
        ledger);
  }
}
