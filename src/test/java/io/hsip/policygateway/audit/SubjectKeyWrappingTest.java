package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.audit.internal.EntryWriter;
import io.hsip.policygateway.audit.internal.SubjectKekException;
import io.hsip.policygateway.audit.internal.SubjectKeys;
import io.hsip.policygateway.hsip.transparency.SubjectKek;
import io.hsip.policygateway.hsip.transparency.SubjectKey;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Subject keys are stored only wrapped under the key-encryption key (KEK), on the real PostgreSQL:
 * the database alone cannot link a pseudonym to its PeerID, a wrong KEK fails closed, erasure makes
 * the pseudonym unrecomputable even with the KEK, and keys stored in plaintext before are wrapped.
 */
class SubjectKeyWrappingTest {

  private static final String PEER = "I4MLJTQWUZ66GBMNYEP75Z2QSD";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SubjectKek kek = SubjectKek.generate(RANDOM).kek();
  private final SubjectKeys keys = new SubjectKeys(() -> kek, RANDOM);
  private AuditDatabase db;
  private EntryWriter writer;

  @BeforeEach
  void start() {
    db = AuditDatabase.create("audit_kek");
    writer = writer(keys);
  }

  @AfterEach
  void stop() {
    writer.close();
    db.drop();
  }

  @Test
  void theDatabaseHoldsNeitherTheSubjectKeyNorAnythingThatRecomputesThePseudonym()
      throws Exception {
    long seq = writer.submit(AuditEntry.decision(PEER, "allow").build()).join();
    String pseudonym = subjectOf(seq);
    SubjectKey key = find(keys).orElseThrow();
    assertThat(key.pseudonym(PEER)).isEqualTo(pseudonym);

    // The row: no plaintext, only the wrapped key and the KEK's public id.
    assertThat(db.queryLong("SELECT count(*) FROM audit_subject_key WHERE secret IS NOT NULL"))
        .isZero();
    String hexKey = HexFormat.of().formatHex(key.toBytes());
    for (String table : List.of("audit_subject_key", "audit_entry")) {
      assertThat(dump(table)).doesNotContain(hexKey);
    }
    byte[] wrapped = storedWrapped();
    assertThat(wrapped).hasSize(SubjectKek.WRAPPED_LENGTH);
    // Whoever reads the database, knows the PeerID and tries every 32 bytes it stores as the key
    // cannot recompute the pseudonym.
    List<byte[]> candidates = new ArrayList<>();
    for (int i = 0; i + SubjectKey.LENGTH <= wrapped.length; i++) {
      candidates.add(Arrays.copyOfRange(wrapped, i, i + SubjectKey.LENGTH));
    }
    candidates.add(SubjectKey.reference(PEER));
    for (byte[] candidate : candidates) {
      assertThat(SubjectKey.fromBytes(candidate).pseudonym(PEER)).isNotEqualTo(pseudonym);
    }
  }

  @Test
  void aDifferentKekCanNeitherReadNorAddKeysAndNothingIsWritten() throws Exception {
    writer.submit(AuditEntry.decision(PEER, "allow").build()).join();
    SubjectKek other = SubjectKek.generate(RANDOM).kek();
    SubjectKeys wrong = new SubjectKeys(() -> other, RANDOM);

    assertThatThrownBy(() -> find(wrong))
        .isInstanceOf(SubjectKekException.class)
        .hasMessageContaining("wrapped under key-encryption key " + kek.id())
        .hasMessageContaining("the loaded key-encryption key is " + other.id());
    assertThat(SubjectKeys.otherKekIds(db.dataSource().getConnection(), other.id()))
        .containsExactly(kek.id());

    // An append about that subject under the wrong KEK fails (its caller fails closed) and
    // leaves no entry and no second key.
    try (EntryWriter wrongWriter = writer(wrong)) {
      assertThatThrownBy(
              () -> wrongWriter.submit(AuditEntry.decision(PEER, "allow").build()).join())
          .isInstanceOf(CompletionException.class)
          .hasRootCauseInstanceOf(SubjectKekException.class);
    }
    assertThat(db.queryLong("SELECT count(*) FROM audit_entry")).isEqualTo(1);
    assertThat(db.queryLong("SELECT count(*) FROM audit_subject_key")).isEqualTo(1);
  }

  @Test
  void withoutAKekNothingIsCreatedOrRead() {
    SubjectKeys none =
        new SubjectKeys(
            () -> {
              throw new SubjectKekException("no subject key-encryption key is loaded: test");
            },
            RANDOM);
    try (EntryWriter noKek = writer(none)) {
      assertThatThrownBy(() -> noKek.submit(AuditEntry.decision(PEER, "allow").build()).join())
          .hasRootCauseInstanceOf(SubjectKekException.class);
    }
    assertThat(db.queryLong("SELECT count(*) FROM audit_entry")).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM audit_subject_key")).isZero();
  }

  @Test
  void afterErasureThePseudonymCannotBeRecomputedEvenWithTheKek() throws Exception {
    long seq = writer.submit(AuditEntry.decision(PEER, "allow").build()).join();
    String pseudonym = subjectOf(seq);
    try (Connection c = db.dataSource().getConnection()) {
      assertThat(keys.destroy(c, PEER, keys.find(c, PEER).orElseThrow())).isTrue();
    }
    assertThat(find(keys)).isEmpty();
    assertThat(db.queryLong("SELECT count(*) FROM audit_subject_key")).isZero();
    // The subject appears again: a new key, a pseudonym unlinkable to the erased one.
    long again = writer.submit(AuditEntry.decision(PEER, "deny").build()).join();
    assertThat(subjectOf(again)).isNotEqualTo(pseudonym);
    // Every key the KEK can open now yields another pseudonym for this PeerID.
    for (SubjectKey key : everyKeyUnder(kek)) {
      assertThat(key.pseudonym(PEER)).isNotEqualTo(pseudonym);
    }
  }

  @Test
  void destroyingRefusesAKeyOtherThanTheOneNamed() throws Exception {
    writer.submit(AuditEntry.decision(PEER, "allow").build()).join();
    try (Connection c = db.dataSource().getConnection()) {
      assertThat(keys.destroy(c, PEER, SubjectKey.generate(RANDOM))).isFalse();
      assertThat(keys.find(c, PEER)).isPresent();
    }
  }

  @Test
  void legacyPlaintextKeysAreWrappedKeepingTheirPseudonyms() throws Exception {
    SubjectKey legacy = SubjectKey.generate(RANDOM);
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO audit_subject_key (subject_ref, secret, created_at)"
                    + " VALUES (?, ?, '2026-01-01T00:00:00Z')")) {
      insert.setBytes(1, SubjectKey.reference(PEER));
      insert.setBytes(2, legacy.toBytes());
      insert.executeUpdate();
    }
    // Before wrapping the legacy key is used as it is.
    long before = writer.submit(AuditEntry.decision(PEER, "allow").build()).join();
    assertThat(subjectOf(before)).isEqualTo(legacy.pseudonym(PEER));

    try (Connection c = db.dataSource().getConnection()) {
      assertThat(keys.wrapLegacy(c)).isEqualTo(1);
      assertThat(keys.wrapLegacy(c)).isZero();
    }
    assertThat(db.queryLong("SELECT count(*) FROM audit_subject_key WHERE secret IS NOT NULL"))
        .isZero();
    assertThat(
            db.queryLong(
                "SELECT count(*) FROM audit_subject_key WHERE kek_id = '"
                    + kek.id()
                    + "' AND created_at = '2026-01-01T00:00:00Z'"))
        .isEqualTo(1);
    assertThat(dump("audit_subject_key"))
        .doesNotContain(HexFormat.of().formatHex(legacy.toBytes()));
    assertThat(find(keys).orElseThrow().toBytes()).isEqualTo(legacy.toBytes());
    long after = writer.submit(AuditEntry.decision(PEER, "deny").build()).join();
    assertThat(subjectOf(after)).isEqualTo(subjectOf(before));
  }

  @Test
  void aRowCannotHoldBothFormsOrAWrappedKeyWithoutItsKekId() {
    assertThatThrownBy(
            () ->
                db.execute(
                    "INSERT INTO audit_subject_key (subject_ref, secret, wrapped, kek_id) VALUES"
                        + " (decode(repeat('01', 32), 'hex'), decode(repeat('02', 32), 'hex'),"
                        + " decode(repeat('03', 60), 'hex'), 'kek-0000000000000000')"))
        .rootCause()
        .hasMessageContaining("audit_subject_key_one_form");
    assertThatThrownBy(
            () ->
                db.execute(
                    "INSERT INTO audit_subject_key (subject_ref, wrapped) VALUES"
                        + " (decode(repeat('01', 32), 'hex'), decode(repeat('03', 60), 'hex'))"))
        .rootCause()
        .hasMessageContaining("audit_subject_key_one_form");
  }

  private EntryWriter writer(SubjectKeys subjectKeys) {
    EntryWriter w =
        new EntryWriter(
            db.dataSource(),
            AuditFixture.macKey(io.hsip.policygateway.hsip.Fixtures.RESPONDER),
            subjectKeys,
            Clock.systemUTC(),
            100,
            100,
            AuditFixture.IGNORE);
    w.start();
    return w;
  }

  private java.util.Optional<SubjectKey> find(SubjectKeys from) throws SQLException {
    try (Connection c = db.dataSource().getConnection()) {
      return from.find(c, PEER);
    }
  }

  private String subjectOf(long seq) {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT subject FROM audit_entry WHERE seq = " + seq)) {
      r.next();
      return r.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] storedWrapped() throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT wrapped FROM audit_subject_key")) {
      r.next();
      return r.getBytes(1);
    }
  }

  private List<SubjectKey> everyKeyUnder(SubjectKek with) throws SQLException {
    List<SubjectKey> all = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT subject_ref, kek_id, wrapped FROM audit_subject_key")) {
      while (r.next()) {
        all.add(with.unwrap(r.getBytes(1), r.getString(2), r.getBytes(3)));
      }
    }
    return all;
  }

  /** Every row of {@code table} as PostgreSQL's text form (bytea in hex). */
  private String dump(String table) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT t::text FROM " + table + " t")) {
      while (r.next()) {
        out.append(r.getString(1)).append('\n');
      }
    }
    assertThat(out).isNotEmpty();
    return out.toString();
  }
}
