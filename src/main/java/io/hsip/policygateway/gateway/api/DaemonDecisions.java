package io.hsip.policygateway.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.directory.DirectoryIdentity;
import io.hsip.policygateway.directory.PeerDirectory;
import io.hsip.policygateway.gateway.decision.Decision;
import io.hsip.policygateway.gateway.decision.DecisionPipeline;
import io.hsip.policygateway.gateway.decision.FrontDoor;
import io.hsip.policygateway.gateway.receipt.DecisionReceipts;
import io.hsip.policygateway.hsip.consent.ConsentParseException;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.json.ObjectMappers;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.identity.GatewayIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Decides for a daemon: binds its token subject to its directory identity, refuses requests
 * addressed to anyone else, runs the pipeline and signs the receipt with the gateway key.
 */
@ApplicationScoped
public class DaemonDecisions {

  private final Instance<PeerDirectory> directory;
  private final DecisionPipeline pipeline;
  private final GatewayIdentity identity;

  DaemonDecisions(
      Instance<PeerDirectory> directory, DecisionPipeline pipeline, GatewayIdentity identity) {
    this.directory = directory;
    this.pipeline = pipeline;
    this.identity = identity;
  }

  /** Decides {@code body} for the daemon whose token subject is {@code subject}. */
  public DecisionView decide(@Nullable String subject, DecisionRequest body) {
    DirectoryIdentity self = boundIdentity(subject);
    if (body.targetPeerId() != null && !body.targetPeerId().equals(self.peerId())) {
      throw DecisionProblems.NOT_YOUR_IDENTITY.exception(
          "A daemon may only ask about requests addressed to its own identity.");
    }
    ConsentRequest request = parse(body.request());
    // Before deciding: a decision recorded but never delivered (no key to sign its receipt) would
    // be a log entry nobody acted on.
    SigningKey gatewayKey = identity.signingKey();
    Decision decision = pipeline.decide(request, self.peerId(), FrontDoor.API);
    return DecisionView.from(decision, DecisionReceipts.sign(decision, gatewayKey));
  }

  private DirectoryIdentity boundIdentity(@Nullable String subject) {
    if (subject == null) {
      throw DecisionProblems.DAEMON_NOT_BOUND.exception("This token has no subject.");
    }
    Optional<DirectoryIdentity> bound;
    try {
      bound = directory.get().boundTo(subject);
    } catch (RuntimeException e) {
      throw DecisionProblems.DIRECTORY_UNAVAILABLE.exception(
          "The member directory is not available; retry later.");
    }
    return bound.orElseThrow(
        () ->
            DecisionProblems.DAEMON_NOT_BOUND.exception(
                "This token's subject is bound to no member or service of the directory."));
  }

  private ConsentRequest parse(@Nullable JsonNode json) {
    if (json == null || !json.isObject()) {
      pipeline.countMalformed(FrontDoor.API);
      throw DecisionProblems.MALFORMED_REQUEST.exception("Member `request` must be a JSON object.");
    }
    try {
      return ConsentRequest.parse(ObjectMappers.standard().writeValueAsBytes(json));
    } catch (ConsentParseException | JsonProcessingException e) {
      pipeline.countMalformed(FrontDoor.API);
      throw DecisionProblems.MALFORMED_REQUEST.exception(
          "Member `request` is not a well-formed consent request: " + e.getMessage());
    }
  }
}
