package io.hsip.policygateway.audit;

import io.hsip.policygateway.audit.internal.BundleWriter;
import io.hsip.policygateway.audit.internal.TileStore;
import io.hsip.policygateway.audit.internal.TreeIntegrator;
import io.hsip.policygateway.cli.HsipCli;
import io.hsip.policygateway.hsip.Fixtures;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

/**
 * A JVM started with a small {@code -Xmx} by {@link AuditExportMillionTest}: {@code export <schema>
 * <file> <from> <to>} streams a bundle, {@code verify <file> <key hex>} runs {@code hsip audit
 * verify}. Prints one {@code RESULT} line with the time taken and the peak heap (sum of heap pools)
 * and peak resident memory of this process.
 */
public final class BoundedHeapChild {

  private BoundedHeapChild() {}

  /** Runs one mode. */
  public static void main(String[] args) throws Exception {
    long start = System.nanoTime();
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    int exit = 0;
    String what;
    if (args[0].equals("export")) {
      try (AuditDatabase db = AuditDatabase.attach(args[1], 2);
          OutputStream file =
              new BufferedOutputStream(Files.newOutputStream(Path.of(args[2])), 1 << 16)) {
        TileStore tiles = new TileStore();
        TreeIntegrator integrator =
            new TreeIntegrator(
                db.dataSource(),
                tiles,
                () -> Fixtures.RESPONDER,
                AuditFixture.ORIGIN,
                Clock.systemUTC(),
                50_000);
        integrator.integratePending(true);
        AuditExports.Summary summary =
            new BundleWriter(
                    db.dataSource(),
                    tiles,
                    null,
                    Fixtures.RESPONDER,
                    AuditFixture.ORIGIN,
                    Clock.systemUTC(),
                    2000)
                .write(
                    AuditExports.Request.window(
                        Instant.parse(args[3]), Instant.parse(args[4]), null, "million-test"),
                    file);
        what = summary.entries() + " entries exported";
      }
    } else {
      exit = HsipCli.run(Clock.systemUTC(), out, out, "audit", "verify", args[1], "--key", args[2]);
      what = "verify exit " + exit;
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    out.println(
        String.format(
            Locale.ROOT,
            "RESULT %s in %d ms, %s",
            what,
            ms,
            io.hsip.policygateway.BoundedHeap.memory()));
    out.flush();
    System.exit(exit);
  }
}
