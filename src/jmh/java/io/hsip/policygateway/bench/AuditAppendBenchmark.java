package io.hsip.policygateway.bench;

import io.hsip.policygateway.audit.AuditDatabase;
import io.hsip.policygateway.audit.AuditEntry;
import io.hsip.policygateway.audit.AuditFixture;
import io.hsip.policygateway.audit.internal.EntryWriter;
import io.hsip.policygateway.audit.internal.TileStore;
import io.hsip.policygateway.audit.internal.TreeIntegrator;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable append throughput with group commit: 8 caller threads each keep 64 realistic decision
 * entries in flight (pseudonymised subject, policy digest, request hash, trace ids), as a gateway
 * serving hundreds of concurrent decisions does, and wait for every COMMIT before the next round,
 * against the local PostgreSQL (database {@code HSIP_TEST_DB}, a private schema dropped afterwards,
 * synchronous_commit on). Every entry carries its MAC (HMAC-SHA256 over all its columns), as in
 * production. The score is committed entries per second. With {@code -p integrate=true} the
 * integrator folds entries into the tree and signs checkpoints concurrently, as in production.
 *
 * <p>Run: {@code bash .ci/bench AuditAppendBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(8)
@OperationsPerInvocation(AuditAppendBenchmark.IN_FLIGHT)
@State(Scope.Benchmark)
public class AuditAppendBenchmark {

  /**
   * Entries each benchmark thread has in flight, as an event-loop caller of {@code appendAsync}
   * would.
   */
  static final int IN_FLIGHT = 64;

  /** Whether integration runs concurrently with the appends. */
  @Param({"false", "true"})
  public boolean integrate;

  /** Writer threads (batches in flight), as {@code audit.append.writers}. */
  @Param({"2"})
  public int writers;

  /** The gateway key: entries are authenticated with the MAC key derived from it. */
  private static final SigningKey BENCH_KEY = SigningKey.fromSeed(new byte[32]);

  private AuditDatabase db;
  private EntryWriter writer;
  private Thread integrator;
  private volatile boolean running;
  private final AtomicLong next = new AtomicLong();
  private final String[] peers = new String[1000];

  @Setup(Level.Trial)
  public void setUp() {
    db = AuditDatabase.create("audit_bench");
    writer =
        new EntryWriter(
            db.dataSource(),
            io.hsip.policygateway.audit.AuditFixture.macKey(BENCH_KEY),
            AuditFixture.subjectKeys(),
            Clock.systemUTC(),
            2000,
            200_000,
            writers,
            new EntryWriter.Listener() {
              @Override
              public void committed(int count) {}

              @Override
              public void failed(int count, Exception cause) {
                throw new IllegalStateException("append failed during the benchmark", cause);
              }
            });
    writer.start();
    for (int i = 0; i < peers.length; i++) {
      peers[i] = SigningKey.generate(new SecureRandom()).peerId().value();
    }
    running = true;
    if (integrate) {
      TreeIntegrator tree =
          new TreeIntegrator(
              db.dataSource(),
              new TileStore(),
              () -> BENCH_KEY,
              "bench.hsip.io/audit",
              Clock.systemUTC(),
              50_000);
      integrator =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (running) {
                      if (tree.integrateOnce(false).isEmpty()) {
                        try {
                          Thread.sleep(200);
                        } catch (InterruptedException e) {
                          return;
                        }
                      }
                    }
                  });
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    running = false;
    if (integrator != null) {
      integrator.join();
    }
    writer.close();
    long rows = db.queryLong("SELECT count(*) FROM audit_entry");
    long integrated = db.queryLong("SELECT count(*) FROM audit_entry WHERE leaf_index IS NOT NULL");
    System.out.printf(
        java.util.Locale.ROOT, "%n[audit] %d entries committed, %d integrated%n", rows, integrated);
    db.drop();
  }

  @Benchmark
  public long appendAndWaitForCommit() {
    java.util.List<CompletableFuture<Long>> inFlight = new java.util.ArrayList<>(IN_FLIGHT);
    for (int k = 0; k < IN_FLIGHT; k++) {
      long i = next.incrementAndGet();
      inFlight.add(
          writer.submit(
              AuditEntry.decision(peers[(int) (i % peers.length)], i % 3 == 0 ? "deny" : "allow")
                  .policyVersion(
                      "sha256:9f2c6d0e5b1a4c7e8d3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d")
                  .requestHash("4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a")
                  .trace("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")
                  .explanation("rules:deny-external,cap-ttl")
                  .build()));
    }
    long last = 0;
    for (CompletableFuture<Long> done : inFlight) {
      last = done.join();
    }
    return last;
  }
}
