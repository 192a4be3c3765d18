package io.hsip.policygateway.directory;

import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A stored member with its revision (the API's ETag) and last change.
 *
 * @param peerId the PeerID
 * @param displayName the display name
 * @param groups the member's groups, sorted
 * @param ssoSubject the daemon's SSO subject, if bound
 * @param revision 1 when created, +1 on every change
 * @param updatedBy who changed it last
 * @param updatedAt when
 */
public record MemberEntry(
    String peerId,
    String displayName,
    Set<String> groups,
    @Nullable String ssoSubject,
    int revision,
    String updatedBy,
    Instant updatedAt) {

  /** Copies the groups. */
  public MemberEntry {
    groups = new Member(peerId, displayName, groups, ssoSubject).groups();
  }

  /** The member without its bookkeeping. */
  public Member member() {
    return new Member(peerId, displayName, groups, ssoSubject);
  }
}
