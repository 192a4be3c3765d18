package io.hsip.policygateway.directory;

/**
 * The directory cannot answer: it has never been loaded, or its copy is older than {@code
 * directory.max-staleness} and the database cannot be reached to refresh it. Callers deny (fail
 * closed, reason {@code directory_unavailable}).
 */
public final class DirectoryUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Says why, safe to show. */
  public DirectoryUnavailableException(String message) {
    super(message);
  }
}
