package io.hsip.policygateway.policy.lifecycle;

import io.hsip.policygateway.base.error.ProblemType;

/**
 * The problem types of the policy API: what a client can get wrong about policies and their
 * lifecycle.
 */
public final class PolicyProblems {

  /** A policy set, version, draft or approval that does not exist. */
  public static final ProblemType NOT_FOUND =
      ProblemType.of(404, "policy-not-found", "Policy not found");

  /** A policy document with errors; {@link InvalidPolicyException} lists them as violations. */
  public static final ProblemType INVALID =
      ProblemType.of(400, "invalid-policy", "Invalid policy document");

  /** An uploaded policy document over the size limit. */
  public static final ProblemType TOO_LARGE =
      ProblemType.of(413, "policy-too-large", "Policy document too large");

  /**
   * A lifecycle step that contradicts the current state: nothing to publish, already decided,
   * superseded.
   */
  public static final ProblemType CONFLICT =
      ProblemType.of(409, "policy-conflict", "Policy conflict");

  /** An update based on an older revision of a draft than the stored one ({@code If-Match}). */
  public static final ProblemType STALE_DRAFT =
      ProblemType.of(412, "stale-draft", "Draft changed meanwhile");

  /** A change to a draft sent without the revision it is based on ({@code If-Match} missing). */
  public static final ProblemType IF_MATCH_REQUIRED =
      ProblemType.of(428, "if-match-required", "If-Match required");

  /**
   * A weak ETag in {@code If-Match}: If-Match compares strongly (RFC 9110 §13.1.1), so it matches
   * no draft.
   */
  public static final ProblemType WEAK_ETAG =
      ProblemType.of(412, "weak-etag", "Weak ETag in If-Match");

  /** A list request with a page size out of range or a cursor this API did not hand out. */
  public static final ProblemType INVALID_QUERY =
      ProblemType.of(400, "invalid-policy-query", "Invalid policy query");

  /**
   * A document whose compilation took longer than {@code policy.compile.budget}: refused rather
   * than let one request hold a core.
   */
  public static final ProblemType TOO_COSTLY =
      ProblemType.of(422, "policy-too-costly", "Policy document too costly to compile");

  /**
   * Every compilation slot ({@code policy.compile.max-concurrent}) stayed busy for longer than
   * {@code policy.compile.queue-timeout}.
   */
  public static final ProblemType COMPILER_BUSY =
      ProblemType.of(503, "policy-compiler-busy", "Policy compiler busy");

  /** An admin tried to approve a publication they requested or edited, in four-eyes mode. */
  public static final ProblemType FOUR_EYES = ProblemType.of(403, "four-eyes", "Four-eyes rule");

  /** Another impact analysis is running on this replica (one at a time). */
  public static final ProblemType IMPACT_BUSY =
      ProblemType.of(503, "policy-impact-busy", "Impact analysis busy");

  /** The audit log could not be read for an impact analysis. */
  public static final ProblemType IMPACT_UNAVAILABLE =
      ProblemType.of(503, "policy-impact-unavailable", "Recorded decisions unavailable");

  private PolicyProblems() {}
}
