package io.hsip.policygateway.audit;

import java.util.Locale;

/** What an audit entry records; the wire name is the entry's {@code kind}. */
public enum AuditKind {
  /** A consent decision of the gateway. */
  DECISION("decision"),
  /** A change made by an administrator (policies, members, blocks, subject keys). */
  ADMIN_CHANGE("admin-change"),
  /** A consent grant revoked before its expiry. */
  CONSENT_REVOCATION("consent-revocation"),
  /** A key of the gateway or a peer created, rotated, revoked or destroyed. */
  KEY_EVENT("key-event");

  private final String wireName;

  AuditKind(String wireName) {
    this.wireName = wireName;
  }

  /** The name in entries, queries and the database. */
  public String wireName() {
    return wireName;
  }

  /** The kind with this wire name. */
  public static AuditKind fromWireName(String name) {
    for (AuditKind kind : values()) {
      if (kind.wireName.equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown audit kind `" + name.toLowerCase(Locale.ROOT) + "`");
  }
}
