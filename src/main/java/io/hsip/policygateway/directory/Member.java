package io.hsip.policygateway.directory;

import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A member of the organisation as the directory stores it.
 *
 * @param peerId the member's PeerID (26 characters of {@code A-Z2-7}), unique across members and
 *     services
 * @param displayName the name shown to people (1-200 characters, no control characters, no
 *     surrounding spaces)
 * @param groups the groups the member is in; each must exist
 * @param ssoSubject the SSO subject ({@code sub}) of the member's daemon, if it has one; unique
 *     across members and services
 */
public record Member(
    String peerId, String displayName, Set<String> groups, @Nullable String ssoSubject) {

  /**
   * Copies the groups (sorted, so that equal members print and export alike); none when a client
   * left them out.
   */
  @SuppressWarnings("NullAway") // clients' JSON may leave groups out
  public Member {
    groups =
        groups == null
            ? java.util.Collections.emptySortedSet()
            : java.util.Collections.unmodifiableSortedSet(new TreeSet<>(groups));
  }
}
