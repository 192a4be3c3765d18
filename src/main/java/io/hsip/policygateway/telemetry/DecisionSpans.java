package io.hsip.policygateway.telemetry;

/**
 * Span names of the consent decision pipeline: one root span per decision and one child per stage,
 * in the order the stages run, so a slow or failing stage is visible by name in any trace backend.
 */
public final class DecisionSpans {

  /** The whole decision, from the received request to the response sent back. */
  public static final String DECISION = "hsip.decision";

  /** Signature and structure checks of the consent request. */
  public static final String VERIFY = "hsip.decision.verify";

  /** Timestamp skew and expiry checks. */
  public static final String FRESHNESS = "hsip.decision.freshness";

  /** The shared replay ledger, advanced only after the request is authenticated. */
  public static final String REPLAY = "hsip.decision.replay";

  /** Facts about the requester and the subject that the policy asks for. */
  public static final String FACTS = "hsip.decision.facts";

  /** Evaluation of the live compiled policy. */
  public static final String POLICY = "hsip.decision.policy";

  /** The durable audit entry of the decision; without it the answer is deny. */
  public static final String AUDIT_APPEND = "hsip.decision.audit_append";

  /** Signing the consent response with the gateway's key. */
  public static final String SIGN = "hsip.decision.sign";

  /** Sending the signed response back to the peer. */
  public static final String SEND = "hsip.decision.send";

  private DecisionSpans() {}
}
