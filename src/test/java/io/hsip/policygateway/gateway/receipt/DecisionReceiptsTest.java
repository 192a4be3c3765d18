package io.hsip.policygateway.gateway.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hsip.policygateway.gateway.decision.Decision;
import io.hsip.policygateway.gateway.decision.DecisionReason;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.policy.model.PolicyDecision.PolicyRef;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Receipts verify with the gateway key, and any change to them, or another key, is refused. */
class DecisionReceiptsTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final SigningKey GATEWAY = SigningKey.generate(RANDOM);
  private static final String HASH = "ab".repeat(32);
  private static final String REQUESTER = "I4MLJTQWUZ66GBMNYEP75Z2QSD";
  private static final String TARGET = "TGT5TQWUZ66GBMNYEP75Z2QSDA";

  private static Decision allow() {
    return new Decision(
        DecisionReason.ALLOWED,
        3_600_000,
        1_780_000_000_000L,
        HASH,
        REQUESTER,
        TARGET,
        new PolicyRef("acme", 7, "cd".repeat(32)),
        42L);
  }

  @Test
  void aReceiptVerifiesAndSaysWhatWasDecided() throws Exception {
    ObjectNode receipt = DecisionReceipts.sign(allow(), GATEWAY);
    // Through text, as a third party gets it.
    JsonNode parsed = ObjectMappers.strict().readTree(receipt.toString());
    JsonNode payload = DecisionReceipts.verify(parsed, GATEWAY.publicKey());
    assertThat(payload.get("effect").asText()).isEqualTo("allow");
    assertThat(payload.get("ttl_ms").asLong()).isEqualTo(3_600_000);
    assertThat(payload.get("policy").get("version").asInt()).isEqualTo(7);
    assertThat(payload.get("audit_seq").asLong()).isEqualTo(42);
  }

  @Test
  void aDenyWithoutPolicyOrEntryVerifiesToo() throws Exception {
    Decision deny =
        new Decision(
            DecisionReason.AUDIT_UNAVAILABLE,
            0,
            1_780_000_000_000L,
            HASH,
            null,
            TARGET,
            null,
            null);
    JsonNode payload =
        DecisionReceipts.verify(DecisionReceipts.sign(deny, GATEWAY), GATEWAY.publicKey());
    assertThat(payload.get("reason").asText()).isEqualTo("audit_unavailable");
    assertThat(payload.get("ttl_ms").asLong()).isZero();
    assertThat(payload.get("policy").isNull()).isTrue();
    assertThat(payload.get("requester_peer_id").isNull()).isTrue();
  }

  @Test
  void everyChangedMemberIsRefused() {
    for (String member :
        new String[] {
          "effect",
          "ttl_ms",
          "reason",
          "request_hash",
          "requester_peer_id",
          "target_peer_id",
          "audit_seq",
          "decided_at_ms"
        }) {
      ObjectNode receipt = DecisionReceipts.sign(allow(), GATEWAY);
      ObjectNode payload = (ObjectNode) receipt.get("payload");
      payload.put(member, payload.get(member).isNumber() ? "1" : "deny");
      assertThatThrownBy(() -> DecisionReceipts.verify(receipt, GATEWAY.publicKey()))
          .as(member)
          .isInstanceOf(ReceiptException.class)
          .hasMessageStartingWith("signature does not verify");
    }
    ObjectNode added = DecisionReceipts.sign(allow(), GATEWAY);
    ((ObjectNode) added.get("payload")).put("note", "extra");
    assertThatThrownBy(() -> DecisionReceipts.verify(added, GATEWAY.publicKey()))
        .isInstanceOf(ReceiptException.class);
  }

  @Test
  void anotherKeyIsRefusedWhateverTheReceiptClaims() {
    SigningKey other = SigningKey.generate(RANDOM);
    ObjectNode forged = DecisionReceipts.sign(allow(), other);
    // It even names the real gateway key: the hint is never trusted.
    ((ObjectNode) forged.get("signature")).put("public_key_hex", GATEWAY.publicKey().hex());
    assertThatThrownBy(() -> DecisionReceipts.verify(forged, GATEWAY.publicKey()))
        .isInstanceOf(ReceiptException.class)
        .hasMessageStartingWith("signature does not verify");
  }

  @Test
  void malformedReceiptsAreNamed() throws Exception {
    assertThatThrownBy(() -> DecisionReceipts.verify(json("[]"), GATEWAY.publicKey()))
        .hasMessage("a receipt must be a JSON object");
    assertThatThrownBy(() -> DecisionReceipts.verify(json("{}"), GATEWAY.publicKey()))
        .hasMessage("member `payload` must be an object");
    ObjectNode receipt = DecisionReceipts.sign(allow(), GATEWAY);
    ((ObjectNode) receipt.get("signature")).put("alg", "RS256");
    assertThatThrownBy(() -> DecisionReceipts.verify(receipt, GATEWAY.publicKey()))
        .hasMessage("signature `alg` must be \"Ed25519\"");
  }

  private static JsonNode json(String text) throws Exception {
    return ObjectMappers.strict().readTree(text);
  }
}
