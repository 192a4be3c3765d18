package io.hsip.policygateway.audit.internal;

import io.hsip.policygateway.hsip.transparency.SubjectKek;
import io.hsip.policygateway.hsip.transparency.SubjectKey;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The per-subject pseudonymisation keys ({@code audit_subject_key}). A key is created the first
 * time a subject appears and lives until an erasure request destroys it.
 *
 * <p>Keys are stored only wrapped under the {@linkplain SubjectKek key-encryption key} the
 * application holds (docs/decisions.md#pseudonymised-peer-ids): a reader of the database, its WAL
 * or a backup cannot recompute any pseudonym. Rows written before wrapping existed (plaintext
 * {@code secret}) are still read, and {@link #wrapLegacy} replaces them. Without a usable KEK every
 * operation fails (closed): no key is created unwrapped and none is handed out.
 */
public final class SubjectKeys {

  /** Legacy plaintext rows wrapped per transaction by {@link #wrapLegacy}. */
  private static final int WRAP_BATCH = 1000;

  private static final HexFormat HEX = HexFormat.of();
  private final Supplier<SubjectKek> kek;
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

  /**
   * Keys wrapped under {@code kek} (asked for on every use; it throws {@link SubjectKekException}
   * while there is none), drawn and wrapped with {@code random}.
   */
  public SubjectKeys(Supplier<SubjectKek> kek, SecureRandom random) {
    this.kek = kek;
    this.random = random;
  }

  /**
   * The key of every PeerID in {@code peerIds}, creating missing ones. Normally one statement:
   * insert what is missing and return every key; only when a concurrent writer created a key in the
   * same instant is it read again.
   */
  public Map<String, SubjectKey> resolve(Connection connection, Collection<String> peerIds)
      throws SQLException {
    SubjectKek current = kek.get();
    Map<String, String> byRef = new HashMap<>();
    List<byte[]> refs = new ArrayList<>();
    List<byte[]> wrapped = new ArrayList<>();
    for (String peerId : peerIds) {
      byte[] ref = SubjectKey.reference(peerId);
      byRef.put(HEX.formatHex(ref), peerId);
      refs.add(ref);
      wrapped.add(current.wrap(ref, SubjectKey.generate(random), random));
    }
    Map<String, SubjectKey> keys = new HashMap<>();
    try (PreparedStatement upsert =
        connection.prepareStatement(
            """
        WITH input (subject_ref, wrapped) AS (SELECT * FROM unnest(?::bytea[], ?::bytea[])),
        created AS (
          INSERT INTO audit_subject_key (subject_ref, wrapped, kek_id)
          SELECT subject_ref, wrapped, ? FROM input
          ON CONFLICT (subject_ref) DO NOTHING RETURNING subject_ref, secret, wrapped, kek_id)
        SELECT subject_ref, secret, wrapped, kek_id FROM created
        UNION ALL
        SELECT k.subject_ref, k.secret, k.wrapped, k.kek_id
        FROM audit_subject_key k JOIN input i USING (subject_ref)
        """)) {
      upsert.setArray(1, connection.createArrayOf("bytea", refs.toArray(new byte[0][])));
      upsert.setArray(2, connection.createArrayOf("bytea", wrapped.toArray(new byte[0][])));
      upsert.setString(3, current.id());
      try (ResultSet rows = upsert.executeQuery()) {
        collect(current, rows, byRef, keys);
      }
    }
    if (keys.size() != peerIds.size()) {
      // Another writer inserted one of these keys after this statement's snapshot: it is committed
      // now.
      List<String> missing = peerIds.stream().filter(p -> !keys.containsKey(p)).toList();
      keys.putAll(load(connection, current, missing));
      if (keys.size() != peerIds.size()) {
        throw new AuditStorageException("subject keys vanished while being created");
      }
    }
    return keys;
  }

  /** The key of {@code peerId}, if it has one. */
  public Optional<SubjectKey> find(Connection connection, String peerId) throws SQLException {
    return Optional.ofNullable(load(connection, kek.get(), List.of(peerId)).get(peerId));
  }

  /**
   * The keys that exist for {@code peerIds}, by PeerID; none is created. A PeerID without a key
   * never appeared, or its key was destroyed on an erasure request.
   */
  public Map<String, SubjectKey> findAll(Connection connection, Collection<String> peerIds)
      throws SQLException {
    return peerIds.isEmpty() ? Map.of() : load(connection, kek.get(), peerIds);
  }

  /**
   * Destroys the key of {@code peerId} (an erasure), but only if it is still {@code expected}, the
   * key whose pseudonym the erasure named: the row is deleted and its content checked in one
   * transaction, which is rolled back if another key took its place meanwhile.
   *
   * @return whether {@code expected} was destroyed
   */
  public boolean destroy(Connection connection, String peerId, SubjectKey expected)
      throws SQLException {
    SubjectKek current = kek.get();
    byte[] ref = SubjectKey.reference(peerId);
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (PreparedStatement delete =
        connection.prepareStatement(
            "DELETE FROM audit_subject_key WHERE subject_ref = ?"
                + " RETURNING subject_ref, secret, wrapped, kek_id")) {
      delete.setBytes(1, ref);
      Map<String, SubjectKey> deleted = new HashMap<>();
      try (ResultSet rows = delete.executeQuery()) {
        collect(current, rows, Map.of(HEX.formatHex(ref), peerId), deleted);
      }
      SubjectKey was = deleted.get(peerId);
      if (was == null || !MessageDigest.isEqual(was.toBytes(), expected.toBytes())) {
        connection.rollback();
        return false;
      }
      connection.commit();
      return true;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /**
   * Wraps every legacy plaintext key under the current KEK: each batch of plaintext rows is deleted
   * and re-inserted wrapped (same reference, same creation time) in one transaction, so no UPDATE
   * privilege is needed and concurrent replicas doing the same never wrap a row twice.
   *
   * @return how many rows were wrapped
   */
  public int wrapLegacy(Connection connection) throws SQLException {
    SubjectKek current = kek.get();
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    int total = 0;
    try {
      while (true) {
        List<byte[]> refs = new ArrayList<>();
        List<byte[]> wrapped = new ArrayList<>();
        List<Timestamp> created = new ArrayList<>();
        try (PreparedStatement delete =
            connection.prepareStatement(
                """
                DELETE FROM audit_subject_key WHERE subject_ref IN (
                  SELECT subject_ref FROM audit_subject_key WHERE secret IS NOT NULL LIMIT ?)
                AND secret IS NOT NULL
                RETURNING subject_ref, secret, created_at
                """)) {
          delete.setInt(1, WRAP_BATCH);
          try (ResultSet rows = delete.executeQuery()) {
            while (rows.next()) {
              byte[] ref = rows.getBytes(1);
              refs.add(ref);
              wrapped.add(current.wrap(ref, SubjectKey.fromBytes(rows.getBytes(2)), random));
              created.add(rows.getTimestamp(3));
            }
          }
        }
        if (refs.isEmpty()) {
          connection.commit();
          return total;
        }
        try (PreparedStatement insert =
            connection.prepareStatement(
                """
                INSERT INTO audit_subject_key (subject_ref, wrapped, kek_id, created_at)
                SELECT subject_ref, wrapped, ?, created_at
                FROM unnest(?::bytea[], ?::bytea[], ?::timestamptz[]) AS u(subject_ref, wrapped, created_at)
                """)) {
          insert.setString(1, current.id());
          insert.setArray(2, connection.createArrayOf("bytea", refs.toArray(new byte[0][])));
          insert.setArray(3, connection.createArrayOf("bytea", wrapped.toArray(new byte[0][])));
          insert.setArray(4, connection.createArrayOf("timestamptz", created.toArray()));
          insert.executeUpdate();
        }
        connection.commit();
        total += refs.size();
      }
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /**
   * The ids of the KEKs other than {@code kekId} that stored keys are wrapped under (at most a
   * few): non-empty means a wrong KEK is loaded, or keys were restored from elsewhere.
   */
  public static List<String> otherKekIds(Connection connection, String kekId) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT DISTINCT kek_id FROM audit_subject_key WHERE kek_id <> ? LIMIT 5")) {
      select.setString(1, kekId);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
    }
    return ids;
  }

  private static Map<String, SubjectKey> load(
      Connection connection, SubjectKek current, Collection<String> peerIds) throws SQLException {
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
            "SELECT subject_ref, secret, wrapped, kek_id FROM audit_subject_key"
                + " WHERE subject_ref = ANY (?)")) {
      Array array = connection.createArrayOf("bytea", refs.toArray(new byte[0][]));
      select.setArray(1, array);
      try (ResultSet rows = select.executeQuery()) {
        collect(current, rows, byRef, keys);
      }
    }
    return keys;
  }

  /**
   * Reads rows of (subject_ref, secret, wrapped, kek_id) into {@code keys}, by PeerID. A key that
   * does not unwrap fails the whole read: a wrong KEK must never yield pseudonyms.
   */
  private static void collect(
      SubjectKek current, ResultSet rows, Map<String, String> byRef, Map<String, SubjectKey> keys)
      throws SQLException {
    while (rows.next()) {
      byte[] ref = rows.getBytes(1);
      String peerId = byRef.get(HEX.formatHex(ref));
      if (peerId == null) {
        continue;
      }
      byte[] wrapped = rows.getBytes(3);
      if (wrapped == null) {
        // Legacy plaintext, until wrapLegacy replaces it.
        keys.put(peerId, SubjectKey.fromBytes(rows.getBytes(2)));
        continue;
      }
      try {
        keys.put(peerId, current.unwrap(ref, rows.getString(4), wrapped));
      } catch (SubjectKek.UnwrapException e) {
        throw new SubjectKekException("cannot unwrap a subject key: " + e.getMessage());
      }
    }
  }
}
