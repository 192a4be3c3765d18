package io.hsip.policygateway.policy.catalog;

import io.hsip.policygateway.policy.lifecycle.PolicyVersion;

/**
 * A version as a GitOps file: exactly the YAML that was published.
 *
 * @param policySet set
 * @param version number
 * @param digest SHA-256 of the canonical form
 * @param document the YAML document, comments and all
 */
public record PolicyExport(String policySet, int version, String digest, String document) {

  /** The export of one version. */
  public static PolicyExport from(PolicyVersion v) {
    return new PolicyExport(v.policySet(), v.version(), v.digest, v.source);
  }

  /** The file name a download suggests, e.g. {@code acme-v3.yaml}. */
  public String fileName() {
    return policySet + "-v" + version + ".yaml";
  }
}
