package io.hsip.policygateway.policy.model;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the evaluator decides on: the facts of one consent request, already verified and enriched by
 * the gateway (member directory, groups, reputation).
 *
 * @param requester who asks
 * @param target whom or what they want to reach
 * @param purpose the request's purpose
 * @param requestedTtlMs how long the requester wants consent for, in ms ({@code > 0})
 * @param atMs when the decision is made, Unix ms
 */
public record PolicyRequest(
    Requester requester, Target target, String purpose, long requestedTtlMs, long atMs) {

  /**
   * The requester.
   *
   * @param peerId HSIP PeerID
   * @param kind member of the organisation or external
   * @param groups the requester's groups (members only, usually)
   * @param reputation reputation score; unknown peers have 0
   */
  public record Requester(String peerId, RequesterKind kind, Set<String> groups, int reputation) {
    /** Copies the groups. */
    public Requester {
      groups = Set.copyOf(groups);
    }
  }

  /**
   * The target.
   *
   * @param member PeerID of the target member, or null when a group channel or service is addressed
   * @param groups the target member's groups, or the group of the team channel addressed
   * @param service the service addressed, or null
   */
  public record Target(@Nullable String member, Set<String> groups, @Nullable String service) {
    /** Copies the groups. */
    public Target {
      groups = Set.copyOf(groups);
    }
  }

  /** Refuses impossible requests. */
  public PolicyRequest {
    if (requestedTtlMs <= 0) {
      throw new IllegalArgumentException(
          "requested TTL must be positive, was " + requestedTtlMs + " ms");
    }
  }
}
