/**
 * Names shared by every feature's telemetry: metric names under one prefix, span names and span
 * attribute keys. Features register their own meters and open their own spans with these names, so
 * a dashboard or an alert can rely on a name that only changes here.
 *
 * <p>Everything the project names itself starts with {@code hsip.}; Prometheus renders a metric
 * {@code hsip.audit.appended} as {@code hsip_audit_appended_total} (counters) and a gauge {@code
 * hsip.audit.integration.lag} as {@code hsip_audit_integration_lag}.
 */
@NullMarked
package io.hsip.policygateway.telemetry;

import org.jspecify.annotations.NullMarked;
