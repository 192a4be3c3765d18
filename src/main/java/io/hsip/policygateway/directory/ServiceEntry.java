package io.hsip.policygateway.directory;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A stored organisation service with its revision (the API's ETag) and last change.
 *
 * @param name the service name
 * @param peerId its PeerID
 * @param keyFile the key file the gateway answers as it with, if configured
 * @param ssoSubject its daemon's SSO subject, if bound
 * @param revision 1 when created, +1 on every change
 * @param updatedBy who changed it last
 * @param updatedAt when
 */
public record ServiceEntry(
    String name,
    String peerId,
    @Nullable String keyFile,
    @Nullable String ssoSubject,
    int revision,
    String updatedBy,
    Instant updatedAt) {

  /** The service without its bookkeeping. */
  public Service service() {
    return new Service(name, peerId, keyFile, ssoSubject);
  }
}
