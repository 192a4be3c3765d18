package io.hsip.policygateway.audit.internal;

import io.hsip.policygateway.hsip.transparency.SubjectKey;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The per-subject pseudonymisation keys ({@code audit_subject_key}). A key is created the first
 * time a subject appears and lives until an erasure request destroys it.
 */
public final class SubjectKeys {

  private static final HexFormat HEX = HexFormat.of();
  private final SecureRandom random;

  /**
   * A generator for subject keys: a DRBG seeded from the platform's entropy source, so that the
   * candidate keys drawn for every batch cost no system call each.
   */
  public static SecureRandom keyGenerator() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (java.security.NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  /** Keys drawn from {@code random}. */
  public SubjectKeys(SecureRandom random) {
    this.random = random;
  }

  /**
   * The key of every PeerID in {@code peerIds}, creating missing ones. Normally one statement:
   * insert what is missing and return every key; only when a concurrent writer created a key in the
   * same instant is it read again.
   */
  public Map<String, SubjectKey> resolve(Connection connection, Collection<String> peerIds)
      throws SQLException {
    Map<String, String> byRef = new HashMap<>();
    List<byte[]> refs = new ArrayList<>();
    List<byte[]> secrets = new ArrayList<>();
    for (String peerId : peerIds) {
      byte[] ref = SubjectKey.reference(peerId);
      byRef.put(HEX.formatHex(ref), peerId);
      refs.add(ref);
      secrets.add(SubjectKey.generate(random).toBytes());
    }
    Map<String, SubjectKey> keys = new HashMap<>();
    try (PreparedStatement upsert =
        connection.prepareStatement(
            """
        WITH input (subject_ref, secret) AS (SELECT * FROM unnest(?::bytea[], ?::bytea[])),
        created AS (
          INSERT INTO audit_subject_key (subject_ref, secret) SELECT subject_ref, secret FROM input
          ON CONFLICT (subject_ref) DO NOTHING RETURNING subject_ref, secret)
        SELECT subject_ref, secret FROM created
        UNION ALL
        SELECT k.subject_ref, k.secret FROM audit_subject_key k JOIN input i USING (subject_ref)
        """)) {
      upsert.setArray(1, connection.createArrayOf("bytea", refs.toArray(new byte[0][])));
      upsert.setArray(2, connection.createArrayOf("bytea", secrets.toArray(new byte[0][])));
      try (ResultSet rows = upsert.executeQuery()) {
        while (rows.next()) {
          String peerId = byRef.get(HEX.formatHex(rows.getBytes(1)));
          if (peerId != null) {
            keys.put(peerId, SubjectKey.fromBytes(rows.getBytes(2)));
          }
        }
      }
    }
    if (keys.size() != peerIds.size()) {
      // Another writer inserted one of these keys after this statement's snapshot: it is committed
      // now.
      List<String> missing = peerIds.stream().filter(p -> !keys.containsKey(p)).toList();
      keys.putAll(load(connection, missing));
      if (keys.size() != peerIds.size()) {
        throw new AuditStorageException("subject keys vanished while being created");
      }
    }
    return keys;
  }

  /** The key of {@code peerId}, if it has one. */
  public static Optional<SubjectKey> find(Connection connection, String peerId)
      throws SQLException {
    return Optional.ofNullable(load(connection, List.of(peerId)).get(peerId));
  }

  /** Destroys the key of {@code peerId} (an erasure); returns whether there was one. */
  public static boolean destroy(Connection connection, String peerId) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM audit_subject_key WHERE subject_ref = ?")) {
      delete.setBytes(1, SubjectKey.reference(peerId));
      return delete.executeUpdate() == 1;
    }
  }

  private static Map<String, SubjectKey> load(Connection connection, Collection<String> peerIds)
      throws SQLException {
    Map<String, String> byRef = new HashMap<>();
    List<byte[]> refs = new ArrayList<>();
    for (String peerId : peerIds) {
      byte[] ref = SubjectKey.reference(peerId);
      byRef.put(HEX.formatHex(ref), peerId);
      refs.add(ref);
    }
    Map<String, SubjectKey> keys = new HashMap<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT subject_ref, secret FROM audit_subject_key WHERE subject_ref = ANY (?)")) {
      Array array = connection.createArrayOf("bytea", refs.toArray(new byte[0][]));
      select.setArray(1, array);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          String peerId = byRef.get(HEX.formatHex(rows.getBytes(1)));
          if (peerId != null) {
            keys.put(peerId, SubjectKey.fromBytes(rows.getBytes(2)));
          }
        }
      }
    }
    return keys;
  }
}
