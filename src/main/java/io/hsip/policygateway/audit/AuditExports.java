package io.hsip.policygateway.audit;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.audit.internal.BundleWriter;
import io.hsip.policygateway.audit.internal.CsvExport;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.identity.GatewayIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Streamed exports of a time window: the verifiable bundle ({@code hsip-audit-bundle/1}) and the
 * spreadsheet view. Each call checks what it can before anything is streamed and returns the {@link
 * Export} that writes the bytes.
 */
@ApplicationScoped
public class AuditExports {

  /**
   * What to export.
   *
   * @param from start of the window, inclusive, in whole milliseconds
   * @param to end of the window, exclusive, in whole milliseconds
   * @param previousTreeSize anchor size of the previous export to prove consistency with; if null,
   *     the last export recorded in the database, if any
   * @param actor who asked for the export
   */
  public record Request(Instant from, Instant to, @Nullable Long previousTreeSize, String actor) {}

  /**
   * What was exported.
   *
   * @param firstLeaf first leaf index of the range
   * @param endLeaf leaf index after the range
   * @param entries entries written
   * @param treeSize the anchor checkpoint's size
   * @param complete whether every entry of the window is in the bundle
   */
  public record Summary(
      long firstLeaf, long endLeaf, long entries, long treeSize, boolean complete) {}

  /** Writes an export once it is streamed. */
  @FunctionalInterface
  public interface Export {
    /** Writes the export to {@code out}, which it does not close. */
    void writeTo(OutputStream out) throws IOException;
  }

  private final AgroalDataSource dataSource;
  private final AuditIntegration integration;
  private final GatewayIdentity identity;
  private final AuditConfig config;
  private final Clock clock;

  AuditExports(
      AgroalDataSource dataSource,
      AuditIntegration integration,
      GatewayIdentity identity,
      AuditConfig config,
      Clock clock) {
    this.dataSource = dataSource;
    this.integration = integration;
    this.identity = identity;
    this.config = config;
    this.clock = clock;
  }

  /**
   * The bundle of {@code request}'s window. The signing key is taken now, so that a gateway without
   * one fails with 503 before anything is streamed.
   */
  public Export bundle(Request request) {
    requireWindow(request.from(), request.to());
    SigningKey key = identity.signingKey();
    return out ->
        new BundleWriter(
                dataSource,
                integration.tiles(),
                integration.integrator(),
                key,
                config.origin(),
                clock,
                config.export().pageSize())
            .write(request, out);
  }

  /** The CSV view of the window {@code [from, to)}. */
  public Export csv(Instant from, Instant to) {
    requireWindow(from, to);
    return out -> CsvExport.write(dataSource, from, to, config.export().pageSize(), out);
  }

  private static void requireWindow(Instant from, Instant to) {
    if (!to.isAfter(from)) {
      throw AuditProblems.INVALID_QUERY.exception("`to` must be after `from`.");
    }
  }
}
