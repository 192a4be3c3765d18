package io.hsip.policygateway.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.MDC;

/** Test-only endpoint that reports what a log line written while serving a request would carry. */
@Path("/api/test-only/trace")
public class TraceProbeResource {

  /** The MDC trace and span ids next to the current span's, and whether that span is sampled. */
  @GET
  @PermitAll
  public Map<String, Object> current() {
    SpanContext span = Span.current().getSpanContext();
    return Map.of(
        "mdc_trace_id", Objects.toString(MDC.get("traceId"), ""),
        "mdc_span_id", Objects.toString(MDC.get("spanId"), ""),
        "span_trace_id", span.getTraceId(),
        "span_id", span.getSpanId(),
        "sampled", span.isSampled());
  }
}
