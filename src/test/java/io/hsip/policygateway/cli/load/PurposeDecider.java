package io.hsip.policygateway.cli.load;

import io.hsip.policygateway.hsip.consent.ConsentDecision;
import io.hsip.policygateway.hsip.consent.ConsentRejectedException;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import io.hsip.policygateway.hsip.consent.InMemoryReplayGuard;
import java.time.Clock;
import java.util.Locale;

/**
 * A stand-in for the gateway's decision pipeline in these tests: validates a request fully
 * (signature, times, replay) and allows exactly one purpose, with the contract's reason codes.
 */
final class PurposeDecider {

  /** The decision and its reason code. */
  record Decision(ConsentDecision decision, String reason) {}

  private final ConsentValidator validator =
      new ConsentValidator(ConsentValidator.Rules.DEFAULT, new InMemoryReplayGuard(1_000_000));
  private final String allowedPurpose;
  private final Clock clock;

  PurposeDecider(String allowedPurpose, Clock clock) {
    this.allowedPurpose = allowedPurpose;
    this.clock = clock;
  }

  Decision decide(ConsentRequest request) {
    try {
      validator.validate(request, clock.millis());
    } catch (ConsentRejectedException e) {
      return new Decision(ConsentDecision.DENY, e.reason().name().toLowerCase(Locale.ROOT));
    }
    return request.purpose().equals(allowedPurpose)
        ? new Decision(ConsentDecision.ALLOW, "allowed")
        : new Decision(ConsentDecision.DENY, "policy_deny");
  }
}
