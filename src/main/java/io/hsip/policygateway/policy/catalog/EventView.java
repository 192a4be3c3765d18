package io.hsip.policygateway.policy.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.policy.lifecycle.PolicyAdminEvent;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An admin event.
 *
 * @param id position in the feed (keyset)
 * @param occurredAt when
 * @param actor SSO principal
 * @param action e.g. publish, approve, rollback
 * @param policySet set
 * @param version version, if one was created
 * @param digest digest of the document concerned
 * @param details action-specific facts
 */
public record EventView(
    long id,
    Instant occurredAt,
    String actor,
    String action,
    @Nullable String policySet,
    @Nullable Integer version,
    @Nullable String digest,
    JsonNode details) {

  /** The view of one event. */
  public static EventView from(PolicyAdminEvent e) {
    return new EventView(
        e.id, e.occurredAt, e.actor, e.action, e.policySet, e.version, e.digest, e.detailsTree());
  }
}
