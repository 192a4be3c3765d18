package io.hsip.policygateway.base.error;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;

/** Test-only endpoints that fail in each way the error model must handle. */
@Path("/api/test-only/problems")
@jakarta.annotation.security.PermitAll
public class ProblemProbeResource {

  /** A body with validated fields. */
  public record Probe(@NotBlank String name, @Positive int count) {}

  /** A feature problem type with a client status. */
  static final ProblemType PROBE_CONFLICT = ProblemType.of(409, "probe-conflict", "Probe conflict");

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Probe echo(@Valid Probe probe) {
    return probe;
  }

  @GET
  @Path("/conflict")
  public String conflict() {
    throw PROBE_CONFLICT.exception("The probe is in a state that does not allow this.");
  }

  /** A refusal for load. */
  static final ProblemType PROBE_BUSY = ProblemType.of(503, "probe-busy", "Probe busy");

  @GET
  @Path("/busy")
  public String busy() {
    throw PROBE_BUSY
        .exception("Every probe slot is taken.")
        .withRetryAfter(Duration.ofMillis(1500));
  }

  @GET
  @Path("/bug")
  public String bug() {
    throw new IllegalStateException("internal detail: com.example.Secret at line 42");
  }
}
