package io.hsip.policygateway.directory;

import java.util.Optional;

/**
 * The facts the decision pipeline needs about peers: who a requester is (a member, an organisation
 * service or an outside peer, and its groups) and which member or service an identity the gateway
 * answers as belongs to. Answered from memory: a lookup never waits for the database, and every
 * replica sees a directory change within about a second.
 */
public interface PeerDirectory {

  /**
   * What the directory knows about a verified requester: members and organisation services are
   * internal ({@code member}) with their groups; anyone else is {@code external} with no groups.
   */
  RequesterFacts requester(String peerId);

  /** The member or organisation service whose PeerID this is, if any. */
  Optional<DirectoryIdentity> identity(String peerId);

  /**
   * The member or organisation service a daemon's SSO subject (its token's {@code sub}) is bound
   * to, if any: the only identity that daemon may ask decisions for.
   */
  Optional<DirectoryIdentity> boundTo(String ssoSubject);
}
