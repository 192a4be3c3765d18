package io.hsip.policygateway.directory;

import io.hsip.policygateway.policy.model.RequesterKind;
import java.util.Set;

/**
 * A requester as policies see it.
 *
 * @param peerId the verified PeerID
 * @param kind {@code member} for the organisation's members and services, {@code external}
 *     otherwise
 * @param groups the member's groups (empty for services and outside peers)
 */
public record RequesterFacts(String peerId, RequesterKind kind, Set<String> groups) {
  /** Copies the groups. */
  public RequesterFacts {
    groups = Set.copyOf(groups);
  }

  /** An outside peer: not in the directory. */
  public static RequesterFacts external(String peerId) {
    return new RequesterFacts(peerId, RequesterKind.EXTERNAL, Set.of());
  }
}
