package io.hsip.policygateway.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/v1/decisions}.
 *
 * @param request the ConsentRequest the daemon received, exactly as on the HSIP wire
 * @param targetPeerId the identity the request was addressed to; if present it must be the daemon's
 *     own
 */
public record DecisionRequest(
    @Schema(
            required = true,
            description = "The ConsentRequest JSON object exactly as received on the HSIP wire")
        @Nullable JsonNode request,
    @Schema(description = "Must equal the daemon's bound identity when present")
        @Nullable String targetPeerId) {}
