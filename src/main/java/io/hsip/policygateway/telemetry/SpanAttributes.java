package io.hsip.policygateway.telemetry;

/**
 * Keys of the span attributes this project sets. A trace backend keeps what it receives and cannot
 * erase a subject the way the audit log can, so attributes never carry PeerIDs, principals, tokens
 * or content: a span names the decision id, and the audit entry with that id holds the rest.
 */
public final class SpanAttributes {

  /** The decision's id, shared with its audit entry. */
  public static final String DECISION_ID = "hsip.decision.id";

  /** The decision's effect: {@code allow} or {@code deny}. */
  public static final String DECISION_EFFECT = "hsip.decision.effect";

  /** The decision's reason code (docs/operations.md#decision-reason-codes). */
  public static final String DECISION_REASON = "hsip.decision.reason";

  /** Which front door a decision came through: {@code udp} or {@code api}. */
  public static final String FRONT_DOOR = "hsip.decision.front_door";

  /** Why a consent request or response was rejected (the stable rejection name). */
  public static final String REJECTION = "hsip.consent.rejection";

  /** The policy set a decision or an admin operation concerns. */
  public static final String POLICY_SET = "hsip.policy.set";

  /** The policy version a decision was made under, or an admin operation produced. */
  public static final String POLICY_VERSION = "hsip.policy.version";

  /** The sequence number of an audit entry. */
  public static final String AUDIT_SEQ = "hsip.audit.seq";

  /** The tree size of a signed audit checkpoint. */
  public static final String AUDIT_TREE_SIZE = "hsip.audit.tree_size";

  private SpanAttributes() {}
}
