package io.hsip.policygateway.directory;

import io.hsip.policygateway.base.error.ProblemType;

/** The problem types of the directory API. */
public final class DirectoryProblems {

  /** A member, service or group that does not exist. */
  public static final ProblemType NOT_FOUND =
      ProblemType.of(404, "directory-entry-not-found", "Directory entry not found");

  /**
   * An entry or import with invalid fields, or naming a group that does not exist; {@link
   * InvalidDirectoryEntryException} lists every violation (with its line, for an import).
   */
  public static final ProblemType INVALID =
      ProblemType.of(422, "invalid-directory-entry", "Invalid directory entry");

  /**
   * A change that contradicts what is stored: the PeerID or SSO subject is taken, the entry exists,
   * a group is still in use.
   */
  public static final ProblemType CONFLICT =
      ProblemType.of(409, "directory-conflict", "Directory conflict");

  /** A change based on an older revision than the stored one ({@code If-Match}). */
  public static final ProblemType STALE =
      ProblemType.of(412, "directory-entry-changed", "Directory entry changed meanwhile");

  /** A change sent without the revision it is based on ({@code If-Match} missing). */
  public static final ProblemType IF_MATCH_REQUIRED =
      ProblemType.of(428, "directory-if-match-required", "If-Match required");

  /** A list request with a page size out of range or a cursor this API did not hand out. */
  public static final ProblemType INVALID_QUERY =
      ProblemType.of(400, "invalid-directory-query", "Invalid directory query");

  /** An import document over {@code directory.import.max-bytes} or its entry limit. */
  public static final ProblemType TOO_LARGE =
      ProblemType.of(413, "directory-import-too-large", "Directory import too large");

  /** The directory's database could not be reached; nothing was changed. */
  public static final ProblemType UNAVAILABLE =
      ProblemType.of(503, "directory-unavailable", "Directory unavailable");

  /** Other changes kept this replica's directory writer busy for too long; retry. */
  public static final ProblemType BUSY = ProblemType.of(503, "directory-busy", "Directory busy");

  private DirectoryProblems() {}
}
