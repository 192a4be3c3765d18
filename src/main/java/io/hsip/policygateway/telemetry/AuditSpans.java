package io.hsip.policygateway.telemetry;

/** Span names of the audit log's background and auditor operations. */
public final class AuditSpans {

  /** One integration round: pending entries folded into the tree and a checkpoint signed. */
  public static final String INTEGRATE = "hsip.audit.integrate";

  /** Streaming an export bundle (or its CSV view) of a time window. */
  public static final String EXPORT = "hsip.audit.export";

  /** Erasing a subject by destroying its pseudonymisation key. */
  public static final String ERASE_SUBJECT = "hsip.audit.erase_subject";

  private AuditSpans() {}
}
