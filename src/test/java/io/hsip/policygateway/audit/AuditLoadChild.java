package io.hsip.policygateway.audit;

import io.hsip.policygateway.audit.internal.EntryWriter;
import io.hsip.policygateway.audit.internal.TileStore;
import io.hsip.policygateway.audit.internal.TreeIntegrator;
import io.hsip.policygateway.hsip.Fixtures;
import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * The process {@link AuditCrashTest} kills: appends from many threads and integrates concurrently,
 * printing {@code ack <seq>} only after an append returned (its commit is done). Arguments: schema,
 * client threads.
 */
public final class AuditLoadChild {

  private AuditLoadChild() {}

  /** Runs until killed. */
  public static void main(String[] args) throws Exception {
    String schema = args[0];
    int threads = Integer.parseInt(args[1]);
    PrintStream out =
        new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.out),
            true,
            java.nio.charset.StandardCharsets.UTF_8);
    AuditDatabase db = AuditDatabase.attach(schema, 8);
    EntryWriter writer =
        new EntryWriter(
            db.dataSource(),
            AuditFixture.macKey(io.hsip.policygateway.hsip.Fixtures.RESPONDER),
            AuditFixture.subjectKeys(),
            Clock.systemUTC(),
            500,
            100_000,
            AuditFixture.IGNORE);
    writer.start();
    TreeIntegrator integrator =
        new TreeIntegrator(
            db.dataSource(),
            new TileStore(),
            () -> Fixtures.RESPONDER,
            AuditFixture.ORIGIN,
            Clock.systemUTC(),
            2000);
    Thread.ofPlatform()
        .daemon(true)
        .start(
            () -> {
              while (true) {
                integrator.integratePending(false);
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread.ofPlatform()
          .start(
              () -> {
                for (long i = 0; ; i++) {
                  CompletableFuture<Long> done =
                      writer.submit(
                          AuditEntry.decision(
                                  "I4MLJTQWUZ66GBMNYEP75Z2QSD", i % 2 == 0 ? "allow" : "deny")
                              .detail("thread", Integer.toString(thread))
                              .build());
                  long seq = done.join();
                  synchronized (out) {
                    out.println("ack " + seq);
                  }
                }
              });
    }
  }
}
