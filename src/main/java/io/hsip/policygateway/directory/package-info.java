/**
 * Who the organisation's peers are: members (PeerID, display name, groups, SSO subject),
 * organisation services (their identities and key files) and groups; the facts the decision
 * pipeline asks for ({@link io.hsip.policygateway.directory.PeerDirectory}).
 */
@NullMarked
package io.hsip.policygateway.directory;

import org.jspecify.annotations.NullMarked;
