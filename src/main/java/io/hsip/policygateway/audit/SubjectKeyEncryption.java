package io.hsip.policygateway.audit;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.audit.internal.SubjectKekException;
import io.hsip.policygateway.audit.internal.SubjectKeys;
import io.hsip.policygateway.hsip.keys.KeyFileException;
import io.hsip.policygateway.hsip.keys.KeyFiles;
import io.hsip.policygateway.hsip.transparency.SubjectKek;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The key-encryption key (KEK) of the subjects' pseudonymisation keys, and the {@link SubjectKeys}
 * that use it (docs/decisions.md#pseudonymised-peer-ids).
 *
 * <p>The KEK comes only from the file {@code audit.subject-kek-file} (a Kubernetes Secret), never
 * from the database or a property value, so that the database alone (its WAL, its backups) cannot
 * link a pseudonym to a PeerID. Loading works like the gateway's signing key: a missing or invalid
 * file leaves the gateway running with readiness DOWN, and every append about a subject, every
 * search by PeerID and every erasure fails closed. In development and tests a throwaway KEK may be
 * generated. At start-up, keys stored in plaintext before wrapping existed are wrapped.
 */
@ApplicationScoped
@Startup
public class SubjectKeyEncryption {

  private final AuditConfig config;
  private final DataSource dataSource;
  private final LaunchMode launchMode;
  private final SubjectKeys subjectKeys;
  private final Consumer<Runnable> outsideTransactions;
  private volatile Optional<SubjectKek> kek = Optional.empty();
  private volatile String problem = "not loaded yet";

  @Inject
  SubjectKeyEncryption(AuditConfig config, AgroalDataSource dataSource) {
    // The bean may first be used inside a caller's transaction (an audit append with a subject),
    // and the start-up checks commit on their own connection: never enlisted in the caller's.
    this(
        config,
        dataSource,
        LaunchMode.current(),
        work -> QuarkusTransaction.suspendingExisting().run(work));
  }

  SubjectKeyEncryption(AuditConfig config, DataSource dataSource, LaunchMode launchMode) {
    this(config, dataSource, launchMode, Runnable::run);
  }

  private SubjectKeyEncryption(
      AuditConfig config,
      DataSource dataSource,
      LaunchMode launchMode,
      Consumer<Runnable> outsideTransactions) {
    this.outsideTransactions = outsideTransactions;
    this.config = config;
    this.dataSource = dataSource;
    this.launchMode = launchMode;
    this.subjectKeys = new SubjectKeys(this::require, SubjectKeys.keyGenerator());
  }

  @PostConstruct
  void start() {
    load();
    outsideTransactions.accept(
        () -> {
          if (kek.isPresent()) {
            checkStoredKeys();
          }
          if (kek.isPresent()) {
            wrapLegacyKeys();
          }
        });
  }

  /** The subject keys, wrapped under this KEK; every use fails while there is none. */
  public SubjectKeys subjectKeys() {
    return subjectKeys;
  }

  /** The KEK's public id, if one is loaded. */
  public Optional<String> kekId() {
    return kek.map(SubjectKek::id);
  }

  /**
   * Why no KEK is loaded; empty when one is. Shown by readiness, so it never names the file's path
   * (only the operator log line does).
   */
  public String problem() {
    return problem;
  }

  /**
   * Fails with a 503 problem (naming no internals) while no usable KEK is loaded: for the API paths
   * that need subject keys (search by PeerID, erasure).
   */
  void requireAvailable() {
    if (kek.isEmpty()) {
      throw unavailable();
    }
  }

  /** The 503 problem of an API call that needed the subject keys and could not use them. */
  static RuntimeException unavailable() {
    return AuditProblems.SUBJECT_KEYS_UNAVAILABLE.exception(
        "The audit log cannot use its subjects' keys; an operator must mount the right"
            + " key-encryption key.");
  }

  private SubjectKek require() {
    return kek.orElseThrow(
        () -> new SubjectKekException("no subject key-encryption key is loaded: " + problem));
  }

  void load() {
    Optional<Path> file = config.subjectKekFile();
    if (file.isEmpty()) {
      fail(null, "no key-encryption key file configured (audit.subject-kek-file)");
      return;
    }
    Path path = file.get();
    if (!Files.exists(path) && config.subjectKekGenerateIfMissing()) {
      if (!launchMode.isDevOrTest()) {
        // Each replica would wrap under a KEK of its own, and the others could not read its keys.
        fail(
            path,
            "audit.subject-kek-generate-if-missing is for development and tests only; mount a key"
                + " file at audit.subject-kek-file");
        return;
      }
      generate(path);
    }
    try {
      SubjectKek loaded =
          SubjectKek.parse(KeyFiles.readSecretFile(path, "key-encryption key file"));
      if (KeyFiles.isAccessibleToOthers(path)) {
        Log.warnf(
            "Subject key-encryption key file %s is accessible to group or others; restrict it to"
                + " 0400 or 0600",
            path);
      }
      kek = Optional.of(loaded);
      problem = "";
      Log.infof("Subject key-encryption key %s loaded from %s", loaded.id(), path);
    } catch (KeyFileException | IllegalArgumentException e) {
      fail(path, e.getMessage());
    }
  }

  private void generate(Path path) {
    SubjectKek.Generated generated = SubjectKek.generate(new SecureRandom());
    try {
      KeyFiles.writeSecret(path, generated.fileContent(), false);
      Log.warnf(
          "GENERATED A THROWAWAY SUBJECT KEY-ENCRYPTION KEY %s at %s. Development only: production"
              + " must mount its own key file and keep audit.subject-kek-generate-if-missing=false.",
          generated.kek().id(), path.toAbsolutePath());
    } catch (IOException e) {
      fail(path, "cannot write a generated key-encryption key: " + KeyFiles.ioReason(e));
    }
  }

  /**
   * Fails closed if stored keys were wrapped under another KEK: a wrong file is mounted (or the
   * database was restored next to another KEK). Nothing is created under the wrong KEK then.
   */
  private void checkStoredKeys() {
    String loaded = kek.map(SubjectKek::id).orElseThrow();
    try (Connection connection = dataSource.getConnection()) {
      List<String> others = SubjectKeys.otherKekIds(connection, loaded);
      if (!others.isEmpty()) {
        fail(
            config.subjectKekFile().orElse(null),
            "the stored subject keys are wrapped under key-encryption key "
                + String.join(", ", others)
                + ", not under the loaded "
                + loaded
                + "; mount the key-encryption key they were wrapped under");
      }
    } catch (SQLException | RuntimeException e) {
      // Every unwrap checks the id as well; this start-up check only makes the cause visible early.
      Log.warnf(
          "Could not check which key-encryption key the subject keys are wrapped under: %s",
          e.getMessage());
    }
  }

  private void wrapLegacyKeys() {
    try (Connection connection = dataSource.getConnection()) {
      int wrapped = subjectKeys.wrapLegacy(connection);
      if (wrapped > 0) {
        Log.warnf(
            "Wrapped %d subject keys that were stored in plaintext under key-encryption key %s."
                + " Their plaintext may remain in WAL segments and backups taken before now"
                + " (docs/operations.md#subject-key-encryption-key).",
            wrapped, kek.map(SubjectKek::id).orElse("?"));
      }
    } catch (SQLException | RuntimeException e) {
      // They stay readable (and in plaintext) until the next start-up succeeds.
      Log.errorf(
          "Could not wrap the subject keys still stored in plaintext (%s); they are retried at the"
              + " next start-up",
          e.getMessage());
    }
  }

  private void fail(@Nullable Path path, String reason) {
    kek = Optional.empty();
    problem = reason;
    Log.errorf(
        "No subject key-encryption key (audit.subject-kek-file=%s): %s. Readiness is DOWN; audit"
            + " entries about a subject, searches by PeerID and erasures fail.",
        path, reason);
  }
}
