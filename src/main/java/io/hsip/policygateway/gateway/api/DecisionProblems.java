package io.hsip.policygateway.gateway.api;

import io.hsip.policygateway.base.error.ProblemType;

/** The problem types of the decision API. */
public final class DecisionProblems {

  /** The daemon's token subject is bound to no member or service of the directory. */
  public static final ProblemType DAEMON_NOT_BOUND =
      ProblemType.of(403, "daemon-not-bound", "Daemon not bound to an identity");

  /** The request is addressed to another identity than the daemon's own. */
  public static final ProblemType NOT_YOUR_IDENTITY =
      ProblemType.of(403, "not-your-identity", "Not the daemon's identity");

  /** The body holds no well-formed consent request. */
  public static final ProblemType MALFORMED_REQUEST =
      ProblemType.of(400, "malformed-consent-request", "Malformed consent request");

  /** The member directory has no usable snapshot; nothing can be decided. */
  public static final ProblemType DIRECTORY_UNAVAILABLE =
      ProblemType.of(503, "directory-unavailable", "Directory unavailable");

  private DecisionProblems() {}
}
