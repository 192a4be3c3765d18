package io.hsip.policygateway.audit;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.audit.internal.AuditStorageException;
import io.hsip.policygateway.audit.internal.BundleWriter;
import io.hsip.policygateway.audit.internal.CsvExport;
import io.hsip.policygateway.audit.internal.ExportSpool;
import io.hsip.policygateway.audit.internal.TreeInconsistencyException;
import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.identity.GatewayIdentity;
import io.hsip.policygateway.telemetry.AuditSpans;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.agroal.DataSource;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Exports: the verifiable bundle ({@code hsip-audit-bundle/2}) of a range of signed tree sizes (or
 * of a time window resolved to one), and the spreadsheet view of a window.
 *
 * <p>An export cannot starve decisions. It reads the database on the separate {@code export}
 * datasource (never the main pool that appends use), at most {@code
 * audit.export.max-concurrent-reads} at once, in one short REPEATABLE READ transaction with {@code
 * statement_timeout}, {@code idle_in_transaction_session_timeout} and {@code lock_timeout} set,
 * into a spool file of bounded size in a private directory; the response then streams that file, so
 * a slow client holds a file and a virtual thread, but no connection, snapshot or lock. Requests
 * beyond the caps are refused with 503 and {@code Retry-After} instead of queueing. Before reading,
 * an export lets the entries pending when it arrived be integrated, trying the integration lock
 * without ever blocking on it, for at most {@code audit.export.integration-wait}.
 */
@ApplicationScoped
public class AuditExports {

  /**
   * What to export: a range of tree sizes, or a time window resolved to one.
   *
   * @param fromSize start of the range, a signed checkpoint's size or 0; null for 0 (or when a
   *     window is given)
   * @param toSize end of the range, a signed checkpoint's size; null for the latest (or when a
   *     window is given)
   * @param from start of a time window, inclusive, in whole milliseconds; null for a range by sizes
   * @param to end of a time window, exclusive; null for a range by sizes
   * @param previousTreeSize anchor size of the previous export to prove consistency with; if null,
   *     the last export recorded in the database, if any
   * @param actor who asked for the export
   */
  public record Request(
      @Nullable Long fromSize,
      @Nullable Long toSize,
      @Nullable Instant from,
      @Nullable Instant to,
      @Nullable Long previousTreeSize,
      String actor) {

    /** A range of tree sizes. */
    public static Request sizes(
        @Nullable Long fromSize,
        @Nullable Long toSize,
        @Nullable Long previousTreeSize,
        String actor) {
      return new Request(fromSize, toSize, null, null, previousTreeSize, actor);
    }

    /** A time window, resolved to the signed checkpoints that cover it. */
    public static Request window(
        Instant from, Instant to, @Nullable Long previousTreeSize, String actor) {
      return new Request(null, null, from, to, previousTreeSize, actor);
    }
  }

  /**
   * What was exported.
   *
   * @param firstLeaf first leaf of the range: {@code from_size}
   * @param endLeaf leaf after the range: {@code to_size}
   * @param entries entries written
   * @param treeSize the anchor checkpoint's size (the latest)
   * @param complete whether the range holds every leaf and (for a window) every entry of it
   */
  public record Summary(
      long firstLeaf, long endLeaf, long entries, long treeSize, boolean complete) {}

  /** Writes an export once it is streamed. */
  @FunctionalInterface
  public interface Export {
    /** Writes the export to {@code out}, which it does not close. */
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * An export read into the spool, ready to stream. Streaming it (or {@link #close}) deletes the
   * file and frees its place among the exports in flight.
   */
  public final class Spooled implements Export, AutoCloseable {
    private final Path file;
    private final @Nullable Summary summary;
    private final Instant created;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Spooled(Path file, @Nullable Summary summary) {
      this.file = file;
      this.summary = summary;
      this.created = clock.instant();
    }

    /** What the bundle holds; null for the CSV view. */
    public @Nullable Summary summary() {
      return summary;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      try (InputStream in = Files.newInputStream(file)) {
        in.transferTo(out);
      } finally {
        close();
      }
    }

    /** Deletes the file and frees the place; idempotent. */
    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        spooled.remove(this);
        inFlight.release();
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          Log.warnf("Could not delete an export spool file: %s", e.getClass().getSimpleName());
        }
      }
    }
  }

  private final AgroalDataSource exportPool;
  private final AuditIntegration integration;
  private final GatewayIdentity identity;
  private final AuditConfig config;
  private final Clock clock;
  private final Semaphore reads;
  private final Semaphore inFlight;
  private final Map<Spooled, Boolean> spooled = new ConcurrentHashMap<>();
  private final BundleWriter.Limits limits;
  private volatile @Nullable ExportSpool spool;

  AuditExports(
      @DataSource("export") AgroalDataSource exportPool,
      AuditIntegration integration,
      GatewayIdentity identity,
      AuditConfig config,
      Clock clock) {
    this.exportPool = exportPool;
    this.integration = integration;
    this.identity = identity;
    this.config = config;
    this.clock = clock;
    this.reads = new Semaphore(config.export().maxConcurrentReads(), true);
    this.inFlight = new Semaphore(config.export().maxInFlight());
    this.limits =
        new BundleWriter.Limits(
            config.export().statementTimeout(),
            config.export().idleInTransactionTimeout(),
            config.export().lockTimeout());
  }

  @PreDestroy
  void stop() {
    spooled.keySet().forEach(Spooled::close);
    ExportSpool current = spool;
    if (current != null) {
      try {
        current.close();
      } catch (IOException e) {
        Log.warnf("Could not remove the export spool directory: %s", e.getClass().getSimpleName());
      }
    }
  }

  /**
   * The bundle of {@code request}'s range, read into the spool. Everything that can fail (a range
   * that is not a pair of checkpoint sizes, no signing key, too many exports, a database error)
   * fails here, before anything is streamed.
   */
  @WithSpan(AuditSpans.EXPORT)
  public Spooled bundle(Request request) {
    if (request.from() != null && request.to() != null) {
      requireWindow(request.from(), request.to());
    } else if (request.from() != null || request.to() != null) {
      throw AuditProblems.INVALID_QUERY.exception("A window needs both `from` and `to`.");
    }
    SigningKey key = identity.signingKey();
    return spool(
        ".zip",
        out -> {
          integratePending();
          return new BundleWriter(
                  exportPool,
                  integration.tiles(),
                  limits,
                  key,
                  config.origin(),
                  clock,
                  config.export().pageSize())
              .write(request, out);
        });
  }

  /** The CSV view of the window {@code [from, to)}, read into the spool. */
  @WithSpan(AuditSpans.EXPORT)
  public Spooled csv(Instant from, Instant to) {
    requireWindow(from, to);
    return spool(
        ".csv",
        out -> {
          CsvExport.write(exportPool, limits, from, to, config.export().pageSize(), out);
          return null;
        });
  }

  /** Reads an export into a spool file. */
  @FunctionalInterface
  private interface Reader {
    @Nullable Summary read(OutputStream out) throws IOException;
  }

  private Spooled spool(String suffix, Reader reader) {
    sweep();
    if (!inFlight.tryAcquire()) {
      throw busy(
          "This replica is serving "
              + config.export().maxInFlight()
              + " exports already; try again later.");
    }
    Path file = null;
    try {
      file = spoolDirectory().newFile(suffix);
      Summary summary;
      if (!reads.tryAcquire(config.export().queueTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        throw busy("Every export reader is busy; try again later.");
      }
      try (OutputStream out = ExportSpool.bounded(file, config.export().maxSpoolBytes())) {
        summary = reader.read(out);
      } finally {
        reads.release();
      }
      Spooled result = new Spooled(file, summary);
      spooled.put(result, Boolean.TRUE);
      return result;
    } catch (ExportSpool.SpoolFullException e) {
      abandon(file);
      throw AuditProblems.EXPORT_TOO_LARGE.exception(
          "The export is larger than audit.export.max-spool-bytes; ask for a narrower range.");
    } catch (IOException e) {
      abandon(file);
      throw new UncheckedIOException("the export could not be spooled", e);
    } catch (InterruptedException e) {
      abandon(file);
      Thread.currentThread().interrupt();
      throw busy("The export was interrupted while waiting for a reader.");
    } catch (RuntimeException e) {
      abandon(file);
      throw e;
    }
  }

  private void abandon(@Nullable Path file) {
    inFlight.release();
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        Log.warnf("Could not delete an export spool file: %s", e.getClass().getSimpleName());
      }
    }
  }

  /**
   * Spools whose response never finished (abandoned before streaming) are deleted after a while.
   */
  private void sweep() {
    Instant cutoff = clock.instant().minus(config.export().spoolLifetime());
    spooled.keySet().stream().filter(s -> s.created.isBefore(cutoff)).forEach(Spooled::close);
  }

  private ExportSpool spoolDirectory() throws IOException {
    ExportSpool current = spool;
    if (current == null) {
      synchronized (this) {
        current = spool;
        if (current == null) {
          current = ExportSpool.create(config.export().spoolDirectory().orElse(null));
          spool = current;
        }
      }
    }
    return current;
  }

  private ProblemException busy(String detail) {
    return AuditProblems.EXPORT_BUSY.exception(detail).withRetryAfter(config.export().retryAfter());
  }

  /**
   * Lets the entries pending now be integrated and signed, so that a window ending now holds them:
   * it tries the integration lock without waiting (a replica holding it is integrating anyway) and
   * looks again until they are integrated or {@code audit.export.integration-wait} has passed.
   */
  private void integratePending() {
    long deadline = clock.millis() + config.export().integrationWait().toMillis();
    long upTo = pendingUpTo(Long.MAX_VALUE)[1];
    if (upTo < 0) {
      return;
    }
    while (true) {
      try {
        integration.integrator().integratePending(false);
      } catch (AuditStorageException | TreeInconsistencyException e) {
        // A damaged tree stops integration; the export still shows what is signed and counts what
        // is not.
        return;
      }
      if (pendingUpTo(upTo)[0] == 0 || clock.millis() >= deadline) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** How many entries numbered up to {@code upTo} are pending, and the highest such number. */
  private long[] pendingUpTo(long upTo) {
    try (Connection connection = exportPool.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT count(*), coalesce(max(seq), -1) FROM audit_entry"
                    + " WHERE leaf_index IS NULL AND seq <= ?")) {
      select.setLong(1, upTo);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return new long[] {rows.getLong(1), rows.getLong(2)};
      }
    } catch (SQLException e) {
      throw new AuditStorageException("the export could not read the audit log", e);
    }
  }

  private static void requireWindow(Instant from, Instant to) {
    if (!to.isAfter(from)) {
      throw AuditProblems.INVALID_QUERY.exception("`to` must be after `from`.");
    }
    if (from.getNano() % 1_000_000 != 0 || to.getNano() % 1_000_000 != 0) {
      throw AuditProblems.INVALID_QUERY.exception(
          "`from` and `to` must not be more precise than milliseconds.");
    }
  }
}
