package io.hsip.policygateway.audit;

import io.hsip.policygateway.base.error.ProblemType;

/** The problem types of the audit log and its auditor API. */
public final class AuditProblems {

  /** Something the auditor asked for (an entry, a checkpoint) does not exist. */
  public static final ProblemType NOT_FOUND = ProblemType.of(404, "audit-not-found", "Not found");

  /** An audit query with contradictory or malformed parameters. */
  public static final ProblemType INVALID_QUERY =
      ProblemType.of(400, "invalid-audit-query", "Invalid audit query");

  /**
   * An export range whose bounds are not sizes of signed checkpoints (or are out of order): ranges
   * are defined by signed tree sizes so that the bundle proves exactly which leaves it holds.
   */
  public static final ProblemType INVALID_RANGE =
      ProblemType.of(400, "invalid-export-range", "Invalid export range");

  /**
   * Too many exports at once on this replica: refused with {@code Retry-After} rather than queued,
   * so that exports never take the connections decisions need.
   */
  public static final ProblemType EXPORT_BUSY =
      ProblemType.of(503, "export-busy", "Too many exports in progress");

  /** An export larger than {@code audit.export.max-spool-bytes}: ask for a narrower range. */
  public static final ProblemType EXPORT_TOO_LARGE =
      ProblemType.of(422, "export-too-large", "Export too large");

  /** A proof cannot be given yet, e.g. the entry is not in a signed checkpoint. */
  public static final ProblemType PROOF_UNAVAILABLE =
      ProblemType.of(409, "proof-unavailable", "Proof unavailable");

  /** An audit entry could not be made durable; see {@link AuditAppendException}. */
  public static final ProblemType UNAVAILABLE =
      ProblemType.of(503, "audit-unavailable", "Audit log unavailable");

  /**
   * The subjects' pseudonymisation keys cannot be used (no key-encryption key, or the wrong one):
   * searching by PeerID and erasing fail closed.
   */
  public static final ProblemType SUBJECT_KEYS_UNAVAILABLE =
      ProblemType.of(503, "subject-keys-unavailable", "Subject keys unavailable");

  private AuditProblems() {}
}
