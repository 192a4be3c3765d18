package io.hsip.policygateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.audit.internal.EntryWriter;
import io.hsip.policygateway.audit.internal.SubjectKekException;
import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.hsip.transparency.SubjectKek;
import io.hsip.policygateway.hsip.transparency.SubjectKey;
import io.quarkus.runtime.LaunchMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading the key-encryption key at start-up, on the real PostgreSQL: generated only in development
 * and tests, owner-only; a missing, malformed or wrong KEK fails closed with a reason that names no
 * path; legacy plaintext keys are wrapped.
 */
class SubjectKeyEncryptionTest {

  private static final String PEER = "AB3C3OQDGHS4Z6ZGMG4UWWSML3";

  @TempDir Path dir;
  private AuditDatabase db;

  @BeforeEach
  void start() {
    db = AuditDatabase.create("audit_kek_file");
  }

  @AfterEach
  void stop() {
    db.drop();
  }

  @Test
  void testsGenerateAnOwnerOnlyKekAndUseIt() throws Exception {
    Path file = dir.resolve("secrets/subject-kek");
    SubjectKeyEncryption encryption = started(file, true, LaunchMode.TEST);

    assertThat(encryption.problem()).isEmpty();
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    SubjectKek fromFile = SubjectKek.parse(Files.readAllBytes(file));
    assertThat(encryption.kekId()).contains(fromFile.id());
    // A restart reads the same file: same KEK, not a new one.
    assertThat(started(file, true, LaunchMode.TEST).kekId()).contains(fromFile.id());
  }

  @Test
  void productionNeverGeneratesAndFailsClosed() {
    Path file = dir.resolve("subject-kek");
    SubjectKeyEncryption encryption = started(file, true, LaunchMode.NORMAL);

    assertThat(file).doesNotExist();
    assertThat(encryption.kekId()).isEmpty();
    assertThat(encryption.problem())
        .isEqualTo(
            "audit.subject-kek-generate-if-missing is for development and tests only; mount a key"
                + " file at audit.subject-kek-file");
    assertThatThrownBy(encryption::requireAvailable)
        .isInstanceOf(ProblemException.class)
        .hasMessageNotContaining(dir.toString());
    try (EntryWriter writer = writer(encryption)) {
      assertThatThrownBy(() -> writer.submit(AuditEntry.decision(PEER, "allow").build()).join())
          .hasRootCauseInstanceOf(SubjectKekException.class);
    }
    assertThat(db.queryLong("SELECT count(*) FROM audit_entry")).isZero();
  }

  @Test
  void aMissingOrMalformedFileIsAReasonWithoutItsPath() throws Exception {
    Path missing = dir.resolve("no-such-kek");
    assertThat(started(missing, false, LaunchMode.NORMAL).problem())
        .isEqualTo("key-encryption key file does not exist or is not a file");

    Path malformed = dir.resolve("malformed-kek");
    Files.writeString(malformed, "c2hvcnQ=\n", StandardCharsets.US_ASCII);
    SubjectKeyEncryption encryption = started(malformed, false, LaunchMode.NORMAL);
    assertThat(encryption.problem())
        .isEqualTo(
            "the subject key-encryption key file must hold exactly 32 bytes in Base64, not 5")
        .doesNotContain(dir.toString());
    assertThat(encryption.kekId()).isEmpty();
  }

  @Test
  void aKekOtherThanTheStoredKeysWereWrappedUnderFailsClosedNamingBothIds() throws Exception {
    Path first = dir.resolve("first-kek");
    SubjectKeyEncryption original = started(first, true, LaunchMode.TEST);
    try (EntryWriter writer = writer(original)) {
      writer.submit(AuditEntry.decision(PEER, "allow").build()).join();
    }
    Path second = dir.resolve("second-kek");
    SubjectKeyEncryption wrong = started(second, true, LaunchMode.TEST);

    String originalId = original.kekId().orElseThrow();
    String wrongId = SubjectKek.parse(Files.readAllBytes(second)).id();
    assertThat(wrong.kekId()).isEmpty();
    assertThat(wrong.problem())
        .isEqualTo(
            "the stored subject keys are wrapped under key-encryption key "
                + originalId
                + ", not under the loaded "
                + wrongId
                + "; mount the key-encryption key they were wrapped under")
        .doesNotContain(dir.toString());
    try (EntryWriter writer = writer(wrong)) {
      assertThatThrownBy(() -> writer.submit(AuditEntry.decision(PEER, "deny").build()).join())
          .hasRootCauseInstanceOf(SubjectKekException.class);
    }
    assertThat(db.queryLong("SELECT count(*) FROM audit_entry")).isEqualTo(1);
  }

  @Test
  void startUpWrapsLegacyPlaintextKeys() throws Exception {
    SubjectKey legacy = SubjectKey.generate(new SecureRandom());
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO audit_subject_key (subject_ref, secret) VALUES (?, ?)")) {
      insert.setBytes(1, SubjectKey.reference(PEER));
      insert.setBytes(2, legacy.toBytes());
      insert.executeUpdate();
    }
    SubjectKeyEncryption encryption = started(dir.resolve("kek"), true, LaunchMode.TEST);

    assertThat(db.queryLong("SELECT count(*) FROM audit_subject_key WHERE secret IS NOT NULL"))
        .isZero();
    try (Connection c = db.dataSource().getConnection()) {
      Optional<SubjectKey> key = encryption.subjectKeys().find(c, PEER);
      assertThat(key.orElseThrow().toBytes()).isEqualTo(legacy.toBytes());
    }
  }

  private SubjectKeyEncryption started(Path file, boolean generate, LaunchMode mode) {
    SubjectKeyEncryption encryption =
        new SubjectKeyEncryption(config(file, generate), db.dataSource(), mode);
    encryption.start();
    return encryption;
  }

  private EntryWriter writer(SubjectKeyEncryption encryption) {
    EntryWriter writer =
        new EntryWriter(
            db.dataSource(),
            AuditFixture.macKey(io.hsip.policygateway.hsip.Fixtures.RESPONDER),
            encryption.subjectKeys(),
            Clock.systemUTC(),
            100,
            100,
            AuditFixture.IGNORE);
    writer.start();
    return writer;
  }

  private static AuditConfig config(Path file, boolean generate) {
    return new AuditConfig() {
      @Override
      public String origin() {
        return AuditFixture.ORIGIN;
      }

      @Override
      public Optional<Path> subjectKekFile() {
        return Optional.of(file);
      }

      @Override
      public boolean subjectKekGenerateIfMissing() {
        return generate;
      }

      @Override
      public Append append() {
        throw new UnsupportedOperationException();
      }

      @Override
      public Integration integration() {
        throw new UnsupportedOperationException();
      }

      @Override
      public Export export() {
        throw new UnsupportedOperationException();
      }
    };
  }
}
