package io.hsip.policygateway.gateway;

import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.directory.DirectoryAdmin;
import io.hsip.policygateway.directory.Group;
import io.hsip.policygateway.directory.Member;
import io.hsip.policygateway.directory.MemberEntry;
import io.hsip.policygateway.directory.Service;
import io.hsip.policygateway.directory.ServiceEntry;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Puts the decision tests' members, services and groups into the real member directory through
 * {@link DirectoryAdmin}, idempotently: the test database keeps them between runs, and the
 * directory's own tests may empty it between test classes.
 */
public final class DecisionDirectory {

  private static final String ACTOR = "decision-tests";

  private final DirectoryAdmin admin;

  public DecisionDirectory(DirectoryAdmin admin) {
    this.admin = admin;
  }

  /** Makes sure the groups exist. */
  public DecisionDirectory groups(String... names) {
    for (String name : names) {
      try {
        admin.group(name);
      } catch (ProblemException notFound) {
        requireNotFound(notFound);
        admin.createGroup(ACTOR, new Group(name, "decision tests"));
      }
    }
    return this;
  }

  /** Makes sure {@code peerId} is a member with exactly these groups and SSO subject. */
  public DecisionDirectory member(
      String peerId, String name, Set<String> groups, @Nullable String subject) {
    Member wanted = new Member(peerId, name, groups, subject);
    MemberEntry existing;
    try {
      existing = admin.member(peerId);
    } catch (ProblemException notFound) {
      requireNotFound(notFound);
      admin.createMember(ACTOR, wanted);
      return this;
    }
    if (!existing.groups().equals(wanted.groups())
        || !Objects.equals(existing.ssoSubject(), subject)) {
      admin.updateMember(ACTOR, wanted, null);
    }
    return this;
  }

  /** Makes sure {@code name} is a service with PeerID {@code peerId}. */
  public DecisionDirectory service(String name, String peerId) {
    ServiceEntry existing;
    try {
      existing = admin.service(name);
    } catch (ProblemException notFound) {
      requireNotFound(notFound);
      admin.createService(ACTOR, new Service(name, peerId, null, null));
      return this;
    }
    if (!existing.peerId().equals(peerId)) {
      // The listener's key file was regenerated since (a clean build): follow it.
      admin.deleteService(ACTOR, name, null);
      admin.createService(ACTOR, new Service(name, peerId, null, null));
    }
    return this;
  }

  private static void requireNotFound(ProblemException e) {
    if (e.status() != 404) {
      throw e;
    }
  }
}
