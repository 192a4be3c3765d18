package io.hsip.policygateway.telemetry;

/** Span names of policy administration and of loading the live policy. */
public final class PolicySpans {

  /** Checking a policy document without saving it. */
  public static final String VALIDATE = "hsip.policy.validate";

  /** Saving a new draft. */
  public static final String CREATE_DRAFT = "hsip.policy.create_draft";

  /** Replacing a draft's document. */
  public static final String UPDATE_DRAFT = "hsip.policy.update_draft";

  /** Deleting a draft. */
  public static final String DELETE_DRAFT = "hsip.policy.delete_draft";

  /** Publishing a draft as the next version (or asking for approval in four-eyes mode). */
  public static final String PUBLISH = "hsip.policy.publish";

  /** Approving a pending publication or rollback. */
  public static final String APPROVE = "hsip.policy.approve";

  /** Rejecting a pending publication or rollback. */
  public static final String REJECT = "hsip.policy.reject";

  /** Making an earlier version live again as a new version. */
  public static final String ROLLBACK = "hsip.policy.rollback";

  /** Importing a GitOps policy document (optionally publishing it). */
  public static final String IMPORT = "hsip.policy.import";

  /** Evaluating a request against a version or a draft without deciding anything. */
  public static final String SIMULATE = "hsip.policy.simulate";

  /** An impact analysis: recorded decisions replayed against a draft. */
  public static final String IMPACT = "hsip.policy.impact";

  /** Compiling and swapping in a newly published live version on this replica. */
  public static final String RELOAD = "hsip.policy.reload";

  /** Appending pending policy admin events to the audit log. */
  public static final String AUDIT_RELAY = "hsip.policy.audit_relay";

  private PolicySpans() {}
}
