package io.hsip.policygateway.gateway.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.gateway.GatewayConfig;
import io.hsip.policygateway.hsip.consent.ConsentRejectedException;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** The shared replay ledger on the real PostgreSQL. */
@QuarkusTest
class NonceLedgerTest {

  private static final String PEER = "I4MLJTQWUZ66GBMNYEP75Z2QSD";
  private static final SecureRandom RANDOM = new SecureRandom();

  @Inject NonceLedger ledger;
  @Inject ConsentValidator validator;
  @Inject GatewayConfig config;

  private static String nonce() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  private static long inMinutes(int minutes) {
    return now() + minutes * 60_000L;
  }

  @Test
  void firstUseWinsAndSecondIsReplay() {
    String nonce = nonce();
    assertThat(ledger.firstUse(PEER, nonce, now(), inMinutes(5))).isTrue();
    assertThat(ledger.firstUse(PEER, nonce, now(), inMinutes(5))).isFalse();
    assertThat(ledger.firstUse("DW3C3OQDGHS4Z6ZGMG4UWWSML3", nonce, now(), inMinutes(5)))
        .as("nonces are per peer")
        .isTrue();
  }

  @Test
  void aRowPastItsRetentionIsFreeAgain() {
    String nonce = nonce();
    assertThat(ledger.firstUse(PEER, nonce, now(), inMinutes(-1))).isTrue();
    assertThat(ledger.firstUse(PEER, nonce, now(), inMinutes(5))).isTrue();
    assertThat(ledger.firstUse(PEER, nonce, now(), inMinutes(5))).isFalse();
  }

  @Test
  void aReplayIsRefusedWhenTheDatabaseClockRunsAheadOfTheReplicas() throws Exception {
    // The replica's clock runs ten minutes behind the database's (equivalently, the database clock
    // is ten minutes ahead): the request is fresh by the replica's clock, and its nonce is retained
    // until two skews after its ts, which the database clock has long passed. Judged by the
    // database
    // clock the nonce would be free again and the replay accepted.
    long replicaNow = now() - Duration.ofMinutes(10).toMillis();
    SigningKey requester = SigningKey.generate(RANDOM);
    byte[] n = new byte[12];
    RANDOM.nextBytes(n);
    ConsentRequest request =
        ConsentRequest.sign(
            requester, "ab".repeat(32), "indexing", replicaNow + 60_000, replicaNow, n);
    validator.validate(request, replicaNow);
    Assertions.assertThatThrownBy(() -> validator.validate(request, replicaNow + 1_000))
        .isInstanceOf(ConsentRejectedException.class)
        .extracting(e -> ((ConsentRejectedException) e).reason())
        .isEqualTo(ConsentRejectedException.Reason.REPLAYED);
  }

  @Test
  void thePurgeKeepsOneSkewOfMarginOnTheReplicaClock() {
    String justExpired = nonce();
    ledger.firstUse(PEER, justExpired, now(), now() - 1_000);
    ledger.purge();
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                assertThat(
                        (ConsentNonce)
                            ConsentNonce.findById(new ConsentNonce.Key(PEER, justExpired)))
                    .as("a replica whose clock runs behind may still accept it for one skew")
                    .isNotNull());
  }

  @Test
  void purgeDeletesOnlyExpiredRows() {
    String expired = nonce();
    String live = nonce();
    ledger.firstUse(PEER, expired, now(), inMinutes(-2));
    ledger.firstUse(PEER, live, now(), inMinutes(5));
    ledger.purge();
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              ConsentNonce gone = ConsentNonce.findById(new ConsentNonce.Key(PEER, expired));
              ConsentNonce kept = ConsentNonce.findById(new ConsentNonce.Key(PEER, live));
              assertThat(gone).isNull();
              assertThat(kept).isNotNull();
            });
  }

  @Test
  void concurrentReplicasAgreeOnExactlyOneWinner() throws Exception {
    String nonce = nonce();
    int contenders = 16;
    List<Callable<Boolean>> attempts = new ArrayList<>();
    for (int i = 0; i < contenders; i++) {
      attempts.add(() -> ledger.firstUse(PEER, nonce, now(), inMinutes(5)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      long winners = 0;
      for (Future<Boolean> f : pool.invokeAll(attempts)) {
        winners += f.get() ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void malformedValuesAreRefusedByTheSchema() {
    Assertions.assertThatThrownBy(
            () -> ledger.firstUse("not-a-peer-id", nonce(), now(), inMinutes(5)))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void productionValidatorUsesConfigAndTheLedger() throws Exception {
    assertThat(validator.rules().clockSkew()).isEqualTo(config.consent().clockSkew());
    assertThat(validator.rules().maxLifetime()).isEqualTo(Duration.ofHours(24));
    SigningKey requester = SigningKey.generate(RANDOM);
    long now = System.currentTimeMillis();
    byte[] n = new byte[12];
    RANDOM.nextBytes(n);
    ConsentRequest request =
        ConsentRequest.sign(requester, "ab".repeat(32), "indexing", now + 60_000, now, n);
    validator.validate(request, now);
    Assertions.assertThatThrownBy(() -> validator.validate(request, now))
        .isInstanceOf(ConsentRejectedException.class)
        .extracting(e -> ((ConsentRejectedException) e).reason())
        .isEqualTo(ConsentRejectedException.Reason.REPLAYED);
  }
}
