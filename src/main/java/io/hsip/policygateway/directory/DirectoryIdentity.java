package io.hsip.policygateway.directory;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A member or organisation service of the directory, as a target of consent requests.
 *
 * @param peerId its PeerID
 * @param kind member or service
 * @param name the member's display name or the service's name
 * @param groups the member's groups (empty for a service)
 * @param keyFile for a service, the key file the gateway answers with, if configured
 */
public record DirectoryIdentity(
    String peerId, Kind kind, String name, Set<String> groups, @Nullable String keyFile) {

  /** What kind of identity. */
  public enum Kind {
    /** A person of the organisation. */
    MEMBER,
    /** An organisation service (chat, file transfer, ...). */
    SERVICE
  }

  /** Copies the groups. */
  public DirectoryIdentity {
    groups = Set.copyOf(groups);
  }

  /** The service name, for a service; null for a member. */
  public @Nullable String service() {
    return kind == Kind.SERVICE ? name : null;
  }
}
