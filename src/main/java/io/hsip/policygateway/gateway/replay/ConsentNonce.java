package io.hsip.policygateway.gateway.replay;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** A (PeerID, nonce) pair already used by an authenticated consent request. */
@Entity
@Table(name = "consent_nonce")
public class ConsentNonce extends PanacheEntityBase {

  /**
   * The identity of a used nonce.
   *
   * @param peerId requester PeerID
   * @param nonceHex the request's {@code nonce_hex}
   */
  @Embeddable
  public record Key(
      @Column(name = "peer_id", length = 26) String peerId,
      @Column(name = "nonce_hex", length = 24) String nonceHex)
      implements Serializable {}

  /**
   * Records a first use: changes one row when the pair is new or its retention ended before {@code
   * ?4}, none when it is a replay. Parameters: peer, nonce, retain-until, now.
   */
  static final String FIRST_USE =
      """
      INSERT INTO consent_nonce (peer_id, nonce_hex, retain_until)
      VALUES (?1, ?2, ?3)
      ON CONFLICT (peer_id, nonce_hex) DO UPDATE
        SET retain_until = EXCLUDED.retain_until, first_seen = now()
        WHERE consent_nonce.retain_until < ?4
      """;

  @EmbeddedId public Key id;

  /** After this instant the row may be purged. */
  @Column(name = "retain_until", nullable = false)
  public Instant retainUntil;

  /** When the nonce was first used. */
  @Column(name = "first_seen", nullable = false, insertable = false, updatable = false)
  public Instant firstSeen;

  /**
   * Records a use atomically across every replica; a row whose retention ended before {@code now}
   * (the caller's clock, the one that judged the request fresh) counts as free again.
   *
   * @return whether this call was the first use
   */
  public static boolean recordFirstUse(
      String peerId, String nonceHex, Instant now, Instant retainUntil) {
    // One statement, so concurrent replicas race on the primary key and exactly one wins.
    int rows =
        getEntityManager()
            .createNativeQuery(FIRST_USE)
            .setParameter(1, peerId)
            .setParameter(2, nonceHex)
            .setParameter(3, OffsetDateTime.ofInstant(retainUntil, ZoneOffset.UTC))
            .setParameter(4, OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
            .executeUpdate();
    return rows == 1;
  }

  /** Deletes rows whose retention ended before {@code cutoff}; returns how many. */
  public static long purgeExpired(Instant cutoff) {
    return delete("retainUntil < ?1", cutoff);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ConsentNonce that && id != null && id.equals(that.id);
  }

  @Override
  public int hashCode() {
    return id == null ? 0 : id.hashCode();
  }
}
