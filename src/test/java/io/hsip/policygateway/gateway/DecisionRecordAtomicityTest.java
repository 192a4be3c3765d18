package io.hsip.policygateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.audit.AuditCondition;
import io.hsip.policygateway.audit.AuditConditionFailedException;
import io.hsip.policygateway.audit.AuditDatabase;
import io.hsip.policygateway.audit.AuditEntry;
import io.hsip.policygateway.audit.AuditFixture;
import io.hsip.policygateway.audit.internal.EntryWriter;
import io.hsip.policygateway.gateway.ratelimit.RateLimitCondition;
import io.hsip.policygateway.gateway.replay.NonceCondition;
import io.hsip.policygateway.hsip.Fixtures;
import io.hsip.policygateway.policy.model.Rule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A decision's audit entry, its nonce and its rate-limit counts commit together or not at all, on
 * the real PostgreSQL, with two writers on separate pools standing in for two replicas.
 */
class DecisionRecordAtomicityTest {

  private static final String PEER = "I4MLJTQWUZ66GBMNYEP75Z2QSD";
  private static final String TARGET = "TGT5TQWUZ66GBMNYEP75Z2QSDA";
  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

  private AuditDatabase db;
  private AuditDatabase second;
  private EntryWriter replicaA;
  private EntryWriter replicaB;
  private final AtomicInteger failures = new AtomicInteger();

  @BeforeEach
  void start() {
    db = AuditDatabase.create("decision_atomic");
    second = AuditDatabase.attach(db.schema(), 10);
    replicaA = writer(db);
    replicaB = writer(second);
  }

  private EntryWriter writer(AuditDatabase database) {
    EntryWriter writer =
        new EntryWriter(
            database.dataSource(),
            AuditFixture.macKey(Fixtures.RESPONDER),
            AuditFixture.subjectKeys(),
            Clock.systemUTC(),
            100,
            10_000,
            2,
            new EntryWriter.Listener() {
              @Override
              public void committed(int count) {}

              @Override
              public void failed(int count, Exception cause) {
                failures.addAndGet(count);
              }
            });
    writer.start();
    return writer;
  }

  @AfterEach
  void stop() {
    replicaA.close();
    replicaB.close();
    second.close();
    db.drop();
  }

  @Test
  void theNonceIsRecordedWithTheEntryAndAReplayRecordsNeither() throws Exception {
    NonceCondition nonce = nonce(1);
    long seq = replicaA.submit(allow(), List.of(nonce)).get(10, TimeUnit.SECONDS);
    assertThat(seq).isPositive();
    assertThat(entries()).isEqualTo(1);
    assertThat(nonces()).isEqualTo(1);

    // The same nonce at the other replica: refused, and nothing of that entry is written.
    assertThatThrownBy(() -> replicaB.submit(allow(), List.of(nonce)).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(AuditConditionFailedException.class)
        .satisfies(
            e ->
                assertThat(((AuditConditionFailedException) e).refusals())
                    .containsExactly(NonceCondition.REFUSAL));
    assertThat(entries()).isEqualTo(1);
    assertThat(nonces()).isEqualTo(1);
    assertThat(failures).hasValue(0);
  }

  @Test
  void aRefusedEntryLeavesTheRestOfItsBatchCommitted() throws Exception {
    replicaA.submit(allow(), List.of(nonce(0))).get(10, TimeUnit.SECONDS);
    List<CompletableFuture<Long>> batch = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      // Every 50th reuses the nonce already spent.
      batch.add(replicaA.submit(allow(), List.of(nonce(i % 50 == 0 ? 0 : i))));
    }
    int committed = 0;
    int replayed = 0;
    for (CompletableFuture<Long> f : batch) {
      try {
        f.get(10, TimeUnit.SECONDS);
        committed++;
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(AuditConditionFailedException.class);
        replayed++;
      }
    }
    assertThat(replayed).isEqualTo(4);
    assertThat(committed).isEqualTo(196);
    assertThat(entries()).isEqualTo(197);
    assertThat(nonces()).isEqualTo(197);
    assertThat(failures).hasValue(0);
  }

  @Test
  void anEntryRefusedByItsRateLimitDoesNotSpendItsNonce() throws Exception {
    Rule.RateLimit limit = new Rule.RateLimit(1, Duration.ofHours(1), "requester");
    replicaA
        .submit(allow(), List.of(nonce(1), rate("allow-chat", limit)))
        .get(10, TimeUnit.SECONDS);
    assertThatThrownBy(
            () ->
                replicaA
                    .submit(allow(), List.of(nonce(2), rate("allow-chat", limit)))
                    .get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(AuditConditionFailedException.class)
        .satisfies(
            e ->
                assertThat(((AuditConditionFailedException) e).refusals())
                    .containsExactly(RateLimitCondition.REFUSAL));
    // Nonce 2 was rolled back with the refused entry: a deny that records it now succeeds.
    replicaA.submit(deny(), List.of(nonce(2))).get(10, TimeUnit.SECONDS);
    assertThat(entries()).isEqualTo(2);
    assertThat(nonces()).isEqualTo(2);
    assertThat(db.queryLong("SELECT sum(used) FROM rate_limit_window")).isEqualTo(1);
  }

  @Test
  void twoReplicasNeverAllowMoreThanTheLimitInAWindow() throws Exception {
    int limit = 25;
    Rule.RateLimit rule = new Rule.RateLimit(limit, Duration.ofHours(1), "requester_target");
    List<CompletableFuture<Long>> all = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      EntryWriter replica = i % 2 == 0 ? replicaA : replicaB;
      all.add(replica.submit(allow(), List.of(nonce(i), rate("allow-files", rule))));
    }
    int allowed = 0;
    int limited = 0;
    for (CompletableFuture<Long> f : all) {
      try {
        f.get(30, TimeUnit.SECONDS);
        allowed++;
      } catch (ExecutionException e) {
        assertThat(((AuditConditionFailedException) e.getCause()).refusals())
            .containsExactly(RateLimitCondition.REFUSAL);
        limited++;
      }
    }
    assertThat(allowed).isEqualTo(limit);
    assertThat(limited).isEqualTo(400 - limit);
    assertThat(entries()).isEqualTo(limit);
    assertThat(nonces()).isEqualTo(limit);
    assertThat(db.queryLong("SELECT max(used) FROM rate_limit_window")).isEqualTo(limit);
    assertThat(failures).hasValue(0);
  }

  @Test
  void crossingConditionsOfConcurrentReplicasDoNotDeadlock() throws Exception {
    // Each entry holds two limits, listed in opposite orders at the two replicas: without one lock
    // order, their batches would wait on each other's rows.
    Rule.RateLimit roomy = new Rule.RateLimit(1_000_000, Duration.ofHours(1), "requester");
    List<CompletableFuture<Long>> all = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      AuditCondition a = rate("rule-a", roomy);
      AuditCondition b = rate("rule-b", roomy);
      all.add(
          i % 2 == 0
              ? replicaA.submit(allow(), List.of(a, b, nonce(i)))
              : replicaB.submit(allow(), List.of(b, a, nonce(i))));
    }
    for (CompletableFuture<Long> f : all) {
      f.get(30, TimeUnit.SECONDS);
    }
    assertThat(entries()).isEqualTo(600);
    assertThat(db.queryLong("SELECT sum(used) FROM rate_limit_window")).isEqualTo(1200);
    assertThat(failures).hasValue(0);
  }

  private static NonceCondition nonce(int i) {
    byte[] nonce = new byte[12];
    nonce[8] = (byte) (i >>> 24);
    nonce[9] = (byte) (i >>> 16);
    nonce[10] = (byte) (i >>> 8);
    nonce[11] = (byte) i;
    return new NonceCondition(
        PEER, HexFormat.of().formatHex(nonce), NOW, NOW.plus(Duration.ofMinutes(2)));
  }

  private static RateLimitCondition rate(String ruleId, Rule.RateLimit limit) {
    return RateLimitCondition.of(ruleId, limit, PEER, TARGET, NOW);
  }

  private static AuditEntry allow() {
    return AuditEntry.decision(PEER, "allow").build();
  }

  private static AuditEntry deny() {
    return AuditEntry.decision(PEER, "deny").build();
  }

  private long entries() {
    return db.queryLong("SELECT count(*) FROM audit_entry");
  }

  private long nonces() {
    return db.queryLong("SELECT count(*) FROM consent_nonce");
  }
}
