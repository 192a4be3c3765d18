package io.hsip.policygateway.telemetry;

/** Span names of member directory changes (admin operations). */
public final class DirectorySpans {

  /** A member, service or group added, changed or removed. */
  public static final String CHANGE = "hsip.directory.change";

  /** A whole document imported. */
  public static final String IMPORT = "hsip.directory.import";

  /** The directory exported. */
  public static final String EXPORT = "hsip.directory.export";

  private DirectorySpans() {}
}
