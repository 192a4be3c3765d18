package io.hsip.policygateway.cli;

/**
 * A command that cannot complete; its message is printed as is and {@link #exitCode()} returned.
 */
final class CliException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Exit code for a document that was checked and rejected. */
  static final int REJECTED = 1;

  /**
   * Exit code for a command line that is incomplete or contradictory (as picocli's own usage
   * errors).
   */
  static final int USAGE = 2;

  /** Exit code for unreadable or malformed input files and failed I/O. */
  static final int INPUT = 3;

  /** Exit code for an internal error (a bug). */
  static final int INTERNAL = 4;

  /** Exit code for a database that could not be reached or refused the operation. */
  static final int DATABASE = 5;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
