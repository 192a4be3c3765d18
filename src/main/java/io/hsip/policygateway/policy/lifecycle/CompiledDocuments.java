package io.hsip.policygateway.policy.lifecycle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hsip.policygateway.hsip.Sha256;
import io.hsip.policygateway.policy.PolicyConfig;
import io.hsip.policygateway.policy.compile.Compilation;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Compiles documents for the lifecycle's requests at most once per content, and never more at once
 * than the replica can spare.
 *
 * <p>Compilations are kept by the SHA-256 of what was compiled: the uploaded bytes for uploads and
 * drafts (so validating, saving, simulating and publishing the same bytes compile once, and the
 * findings keep their lines), and the canonical JSON for published versions (whose SHA-256 is the
 * version's digest). The cache is bounded both in entries and in estimated memory: every entry
 * weighs at least its share of the memory bound, so the weight bound also caps the count. A
 * compilation refused for its CPU budget is not kept (a retry costs at most the budget again).
 *
 * <p>A semaphore caps the compilations running at once; a request that waits longer than the queue
 * timeout for a slot is refused rather than queued without bound.
 */
final class CompiledDocuments {

  /** Estimated memory of a compiled document per byte of its text (tree, model, index, CEL). */
  private static final int BYTES_PER_SOURCE_BYTE = 10;

  /** Estimated memory of one finding (message, pointer, rule id). */
  private static final int BYTES_PER_FINDING = 256;

  private final PolicyCompiler compiler;
  private final Cache<String, Compilation> cache;
  private final Semaphore slots;
  private final int maxConcurrent;
  private final long queueTimeoutMs;

  CompiledDocuments(PolicyCompiler compiler, PolicyConfig.Compile config) {
    this.compiler = compiler;
    this.maxConcurrent =
        config.maxConcurrent().orElse(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    if (maxConcurrent < 1 || config.cacheEntries() < 1 || config.cacheBytes() < 1) {
      throw new IllegalArgumentException(
          "policy.compile.max-concurrent, cache-entries and cache-bytes must be positive");
    }
    this.slots = new Semaphore(maxConcurrent, true);
    this.queueTimeoutMs = config.queueTimeout().toMillis();
    long share = Math.max(1, config.cacheBytes() / config.cacheEntries());
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(config.cacheBytes())
            .<String, Compilation>weigher(
                (key, compilation) ->
                    (int) Math.min(Integer.MAX_VALUE, Math.max(share, weigh(compilation))))
            // Evict on the caller's thread: no background pool, and bounds that hold at once.
            .executor(Runnable::run)
            .build();
  }

  /** Most compilations at once. */
  int maxConcurrent() {
    return maxConcurrent;
  }

  /** Documents kept now. */
  long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** An uploaded or drafted document, with lints, within the CPU budget. */
  Compilation upload(byte[] document) {
    return cached("u:" + Sha256.hex(document), () -> compiler.compile(document));
  }

  /**
   * A published version's canonical JSON, for diffs and simulation (labelled version 0; the caller
   * labels it).
   */
  Compilation published(String canonical) {
    return cached(
        "p:" + Sha256.hex(canonical.getBytes(StandardCharsets.UTF_8)),
        () -> compiler.compileForEnforcement(canonical));
  }

  /**
   * Compiles the canonical form of a policy about to be stored again, without keeping it (a
   * published version is kept when it is first read).
   */
  Compilation roundTrip(CompiledPolicy policy) {
    return rationed(() -> compiler.compileForEnforcement(policy.canonicalJson()));
  }

  private Compilation cached(String key, Supplier<Compilation> compile) {
    Compilation kept = cache.getIfPresent(key);
    if (kept != null) {
      return kept;
    }
    Compilation compiled = rationed(compile);
    if (!compiled.overBudget()) {
      cache.put(key, compiled);
    }
    return compiled;
  }

  private Compilation rationed(Supplier<Compilation> compile) {
    boolean acquired;
    try {
      acquired = slots.tryAcquire(queueTimeoutMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      acquired = false;
    }
    if (!acquired) {
      throw PolicyProblems.COMPILER_BUSY
          .exception(
              "every policy compilation slot of this replica is busy; try again in a few seconds")
          .withRetryAfter(java.time.Duration.ofMillis(queueTimeoutMs));
    }
    try {
      return compile.get();
    } finally {
      slots.release();
    }
  }

  private static long weigh(Compilation compilation) {
    long findings = (long) compilation.findings().size() * BYTES_PER_FINDING;
    CompiledPolicy policy = compilation.policy();
    if (policy == null) {
      return findings;
    }
    // The canonical JSON is close to the document's size and always at hand.
    return findings + (long) policy.canonicalJson().length() * BYTES_PER_SOURCE_BYTE;
  }
}
