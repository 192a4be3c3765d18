package io.hsip.policygateway.audit;

import io.hsip.policygateway.base.WireNamed;
import java.util.Optional;

/** What an audit entry records; the wire name is the entry's {@code kind}. */
public enum AuditKind implements WireNamed {
  /** A consent decision of the gateway. */
  DECISION("decision"),
  /** A change made by an administrator (policies, members, blocks, subject keys). */
  ADMIN_CHANGE("admin-change"),
  /** A consent grant revoked before its expiry. */
  CONSENT_REVOCATION("consent-revocation"),
  /** A key of the gateway or a peer created, rotated, revoked or destroyed. */
  KEY_EVENT("key-event");

  private final String wire;

  AuditKind(String wire) {
    this.wire = wire;
  }

  /** The name in entries, queries and the database. */
  @Override
  public String wire() {
    return wire;
  }

  /** The constant spelled {@code wire}, or empty. */
  public static Optional<AuditKind> fromWire(String wire) {
    return WireNamed.fromWire(AuditKind.class, wire);
  }
}
