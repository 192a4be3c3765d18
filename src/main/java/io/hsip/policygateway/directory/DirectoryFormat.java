package io.hsip.policygateway.directory;

/** The formats of directory import and export documents. */
public enum DirectoryFormat {
  /** A YAML mapping with the lists {@code groups}, {@code members} and {@code services}. */
  YAML("application/yaml", "yaml"),
  /** One entry per line under a header; see docs/operations.md, "Member directory". */
  CSV("text/csv", "csv");

  private final String mediaType;
  private final String extension;

  DirectoryFormat(String mediaType, String extension) {
    this.mediaType = mediaType;
    this.extension = extension;
  }

  /** Its media type. */
  public String mediaType() {
    return mediaType;
  }

  /** Its file name extension. */
  public String extension() {
    return extension;
  }
}
