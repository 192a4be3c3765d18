package io.hsip.policygateway.policy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.policy.PolicyConfig;
import io.hsip.policygateway.policy.PolicyDocs;
import io.hsip.policygateway.policy.compile.Compilation;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.compile.PolicyLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The compilation cache's bounds and the concurrency cap, without the service: entries are kept by
 * content, the cache stays within its entry and memory bounds, and compilations beyond the cap wait
 * at most the queue timeout and are then refused.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompiledDocumentsTest {

  private static PolicyConfig.Compile config(
      int maxConcurrent, Duration queueTimeout, int entries, long bytes) {
    return new PolicyConfig.Compile() {
      @Override
      public OptionalInt maxConcurrent() {
        return OptionalInt.of(maxConcurrent);
      }

      @Override
      public Duration queueTimeout() {
        return queueTimeout;
      }

      @Override
      public int cacheEntries() {
        return entries;
      }

      @Override
      public long cacheBytes() {
        return bytes;
      }
    };
  }

  private static byte[] document(int i) {
    return PolicyDocs.small("s" + i, "1h", "").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theSameBytesCompileOnce() {
    PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);
    CompiledDocuments documents =
        new CompiledDocuments(compiler, config(1, Duration.ofSeconds(1), 8, 1 << 26));
    Compilation first = documents.upload(document(1));
    assertThat(documents.upload(document(1))).isSameAs(first);
    assertThat(compiler.compilations()).isEqualTo(1);
    documents.published(first.orThrow().canonicalJson());
    documents.published(first.orThrow().canonicalJson());
    assertThat(compiler.compilations()).isEqualTo(2);
  }

  @Test
  void theCacheKeepsNoMoreEntriesThanItsBound() {
    PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);
    CompiledDocuments documents =
        new CompiledDocuments(compiler, config(1, Duration.ofSeconds(1), 4, 1 << 26));
    for (int i = 0; i < 20; i++) {
      documents.upload(document(i));
    }
    assertThat(documents.size()).isLessThanOrEqualTo(4);
  }

  @Test
  void theCacheKeepsNoMoreMemoryThanItsBound() {
    PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);
    // The example compiles to about 10 x 6 KB by the cache's estimate: 200 KB hold at most three.
    CompiledDocuments documents =
        new CompiledDocuments(compiler, config(1, Duration.ofSeconds(1), 1000, 200_000));
    for (int i = 0; i < 10; i++) {
      documents.upload(PolicyDocs.example("set-" + i).getBytes(StandardCharsets.UTF_8));
    }
    assertThat(documents.size()).isBetween(1L, 3L);
  }

  @Test
  void compilationsBeyondTheCapWaitThenAreRefused() throws Exception {
    PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);
    CompiledDocuments documents =
        new CompiledDocuments(compiler, config(1, Duration.ofMillis(200), 8, 1 << 26));
    StringBuilder rules = new StringBuilder();
    for (int i = 0; i < 4999; i++) {
      rules.append("- {id: r").append(i).append(", effect: allow}\n");
    }
    byte[] costly =
        PolicyDocs.small("costly", "8h", rules.toString()).getBytes(StandardCharsets.UTF_8);
    CompletableFuture<Compilation> hostile =
        CompletableFuture.supplyAsync(() -> documents.upload(costly));
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (compiler.compilations() == 0 && System.nanoTime() < waitUntil) {
      Thread.sleep(5);
    }
    assertThat(compiler.compilations()).as("the costly compilation started").isEqualTo(1);

    long start = System.nanoTime();
    assertThatThrownBy(() -> documents.upload(document(1)))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.problemType()).isEqualTo(PolicyProblems.COMPILER_BUSY);
              assertThat(e.retryAfter()).as("clients back off").isEqualTo(Duration.ofMillis(200));
            });
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(150);
    assertThat(compiler.compilations()).as("nothing else compiled meanwhile").isEqualTo(1);

    assertThat(hostile.get(60, TimeUnit.SECONDS).overBudget()).isTrue();
    // Once the slot is free again, work goes on; a refusal for the budget was not kept.
    assertThat(documents.upload(document(1)).ok()).isTrue();
    assertThat(documents.size()).isEqualTo(1);
  }

  @Test
  void theDefaultCapIsHalfTheProcessors() {
    PolicyConfig.Compile unset =
        new PolicyConfig.Compile() {
          @Override
          public OptionalInt maxConcurrent() {
            return OptionalInt.empty();
          }

          @Override
          public Duration queueTimeout() {
            return Duration.ofSeconds(1);
          }

          @Override
          public int cacheEntries() {
            return 8;
          }

          @Override
          public long cacheBytes() {
            return 1 << 20;
          }
        };
    assertThat(
            new CompiledDocuments(new PolicyCompiler(PolicyLimits.DEFAULTS), unset).maxConcurrent())
        .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
  }
}
