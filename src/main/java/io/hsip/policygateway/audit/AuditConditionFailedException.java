package io.hsip.policygateway.audit;

import java.util.List;

/**
 * An entry was not recorded because one of its {@link AuditCondition}s did not hold (a replayed
 * nonce, a spent rate limit). Nothing of the entry or its conditions was committed. Not a failure
 * of the log: the caller answers with the refusal (and may audit that answer).
 */
public final class AuditConditionFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> refusals;

  /** Creates the exception for the refusal codes of the conditions that did not hold. */
  public AuditConditionFailedException(List<String> refusals) {
    super(
        "audit entry refused by its conditions: " + String.join(", ", refusals),
        null,
        false,
        false);
    this.refusals = List.copyOf(refusals);
  }

  /**
   * The {@link AuditCondition#refusal()} codes of the conditions that did not hold, in lock order.
   */
  public List<String> refusals() {
    return refusals;
  }
}
