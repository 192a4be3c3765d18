package io.hsip.policygateway.gateway;

import io.hsip.policygateway.directory.DirectoryIdentity;
import io.hsip.policygateway.directory.PeerDirectory;
import io.hsip.policygateway.directory.RequesterFacts;
import io.hsip.policygateway.policy.model.RequesterKind;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * TEST-ONLY STAND-IN for the member directory, until {@code MemberDirectory} (branch wt/directory)
 * is merged: an in-memory {@link PeerDirectory} so that the pipeline's end-to-end tests can run.
 * Delete it when MemberDirectory arrives (two PeerDirectory beans would be ambiguous, and every
 * decision would then fail closed as {@code directory_unavailable}).
 */
@ApplicationScoped
public class InMemoryDirectoryStandIn implements PeerDirectory {

  private final Map<String, DirectoryIdentity> byPeerId = new ConcurrentHashMap<>();
  private final Map<String, DirectoryIdentity> bySubject = new ConcurrentHashMap<>();
  private volatile boolean unavailable;

  /** Adds a member. */
  public void member(String peerId, String name, Set<String> groups, @Nullable String subject) {
    add(new DirectoryIdentity(peerId, DirectoryIdentity.Kind.MEMBER, name, groups, null), subject);
  }

  /** Adds an organisation service. */
  public void service(String name, String peerId, @Nullable String subject) {
    add(
        new DirectoryIdentity(peerId, DirectoryIdentity.Kind.SERVICE, name, Set.of(), null),
        subject);
  }

  /** Makes every lookup fail, as a directory without a usable snapshot does. */
  public void unavailable(boolean unavailable) {
    this.unavailable = unavailable;
  }

  private void add(DirectoryIdentity identity, @Nullable String subject) {
    byPeerId.put(identity.peerId(), identity);
    if (subject != null) {
      bySubject.put(subject, identity);
    }
  }

  @Override
  public RequesterFacts requester(String peerId) {
    check();
    DirectoryIdentity known = byPeerId.get(peerId);
    if (known == null) {
      return RequesterFacts.external(peerId);
    }
    return new RequesterFacts(peerId, RequesterKind.MEMBER, known.groups());
  }

  @Override
  public Optional<DirectoryIdentity> identity(String peerId) {
    check();
    return Optional.ofNullable(byPeerId.get(peerId));
  }

  @Override
  public Optional<DirectoryIdentity> boundTo(String ssoSubject) {
    check();
    return Optional.ofNullable(bySubject.get(ssoSubject));
  }

  private void check() {
    if (unavailable) {
      throw new IllegalStateException("directory unavailable (test)");
    }
  }
}
