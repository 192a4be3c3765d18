package io.hsip.policygateway.cli;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.consent.ConsentDecision;
import io.hsip.policygateway.hsip.consent.ConsentParseException;
import io.hsip.policygateway.hsip.consent.ConsentRejectedException;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.consent.ConsentResponse;
import io.hsip.policygateway.hsip.consent.ConsentValidator;
import io.hsip.policygateway.hsip.consent.InMemoryReplayGuard;
import io.hsip.policygateway.hsip.consent.VerifiedConsentResponse;
import io.hsip.policygateway.hsip.keys.Ed25519PublicKey;
import io.hsip.policygateway.hsip.keys.SigningKey;
import io.hsip.policygateway.hsip.net.ConsentExchangeException;
import io.hsip.policygateway.hsip.net.UdpConsentInitiator;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hsip consent}: create, check, answer and send consent documents
 * (docs/protocol.md#consent).
 */
@Command(
    name = "consent",
    mixinStandardHelpOptions = true,
    description = "Consent requests and responses, as files compatible with the reference CLI.",
    subcommands = {
      ConsentCommand.Request.class,
      ConsentCommand.Verify.class,
      ConsentCommand.Respond.class,
      ConsentCommand.VerifyResponse.class,
      ConsentCommand.Send.class
    })
final class ConsentCommand {

  private ConsentCommand() {}

  static ConsentRequest readRequest(Path path) throws CliException {
    try {
      return ConsentRequest.parse(CliFiles.read(path));
    } catch (ConsentParseException e) {
      throw new CliException(CliException.INPUT, path + ": " + e.getMessage());
    }
  }

  static ConsentResponse readResponse(Path path) throws CliException {
    try {
      return ConsentResponse.parse(CliFiles.read(path));
    } catch (ConsentParseException e) {
      throw new CliException(CliException.INPUT, path + ": " + e.getMessage());
    }
  }

  static CliException rejected(ConsentRejectedException e) {
    return new CliException(
        CliException.REJECTED, "REJECTED (" + e.reason() + "): " + e.getMessage());
  }

  /**
   * Validates fully (signature and times); a fresh in-memory replay guard, as nothing is shared
   * offline.
   */
  static void validateRequest(ConsentRequest request, TimeOptions time, Clock clock)
      throws CliException {
    ConsentValidator validator =
        new ConsentValidator(
            new ConsentValidator.Rules(
                Duration.ofMillis(time.skewMs), Duration.ofMillis(time.maxLifetimeMs)),
            new InMemoryReplayGuard(1));
    try {
      validator.validate(request, time.now(clock));
    } catch (ConsentRejectedException e) {
      throw rejected(e);
    }
  }

  /** {@code consent request}. */
  @Command(
      name = "request",
      mixinStandardHelpOptions = true,
      description = "Create and sign a consent request.")
  static final class Request extends CliCommand {
    static final class Content {
      @Option(names = "--content", description = "File whose BLAKE3-256 becomes content_cid_hex.")
      Path file;

      @Option(names = "--cid", description = "content_cid_hex given directly (64 lowercase hex).")
      String cid;
    }

    static final class Expiry {
      @Option(names = "--ttl-ms", description = "Request valid for this many ms from now.")
      Long ttlMs;

      @Option(names = "--expires-ms", description = "Absolute expiry, Unix ms (not a duration).")
      Long expiresMs;
    }

    @Option(names = "--key", required = true, description = "Requester key file.")
    Path key;

    @Option(names = "--purpose", required = true, description = "Purpose, e.g. indexing (no '|').")
    String purpose;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Content content;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Expiry expiry;

    @Option(
        names = {"-o", "--out"},
        description = "Write the request here instead of stdout.")
    Path out;

    @Override
    public Integer call() throws CliException {
      SigningKey requester = CliFiles.readKey(key);
      String cid =
          content.file != null
              ? ConsentRequest.contentId(CliFiles.read(content.file))
              : content.cid;
      if (!LowerHex.isLowerHex(cid, 32)) {
        throw new CliException(2, "--cid must be 64 lowercase hex characters");
      }
      long now = clock().millis();
      long expires;
      if (expiry.ttlMs != null) {
        if (expiry.ttlMs <= 0 || expiry.ttlMs > Long.MAX_VALUE - now) {
          throw new CliException(2, "--ttl-ms must be positive and not overflow the clock");
        }
        expires = now + expiry.ttlMs;
      } else {
        expires = expiry.expiresMs;
        if (expires <= now) {
          throw new CliException(
              2,
              "--expires-ms is an absolute Unix time in ms and lies in the past"
                  + " (use --ttl-ms for a duration)");
        }
      }
      byte[] nonce = new byte[ConsentRequest.NONCE_LENGTH];
      new SecureRandom().nextBytes(nonce);
      ConsentRequest request;
      try {
        request = ConsentRequest.sign(requester, cid, purpose, expires, now, nonce);
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage());
      }
      CliFiles.writeDocument(out, request.toPrettyJson(), out());
      return 0;
    }
  }

  /** {@code consent verify}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = "Check a consent request: key, PeerID, strict signature, freshness and expiry.")
  static final class Verify extends CliCommand {
    @Option(names = "--request", required = true, description = "Request file.")
    Path request;

    @Option(
        names = "--signature-only",
        description = "Check authenticity only, not times (as the reference does).")
    boolean signatureOnly;

    @Mixin TimeOptions time;

    @Override
    public Integer call() throws CliException {
      ConsentRequest parsed = readRequest(request);
      if (signatureOnly) {
        try {
          ConsentValidator.verifySignature(parsed);
        } catch (ConsentRejectedException e) {
          throw rejected(e);
        }
      } else {
        validateRequest(parsed, time, clock());
      }
      out()
          .printf(
              Locale.ROOT,
              "OK: request from %s for purpose \"%s\", expires %s%s%n",
              parsed.requesterPeerId(),
              parsed.purpose(),
              Instant.ofEpochMilli(parsed.expiresMs()),
              signatureOnly ? " (signature only; times not checked)" : "");
      return 0;
    }
  }

  /** {@code consent respond}. */
  @Command(
      name = "respond",
      mixinStandardHelpOptions = true,
      description =
          "Answer a consent request with a signed allow or deny (a deny always has ttl_ms = 0).")
  static final class Respond extends CliCommand {
    @Option(names = "--key", required = true, description = "Responder key file.")
    Path key;

    @Option(names = "--request", required = true, description = "Request file.")
    Path request;

    @Option(names = "--decision", required = true, description = "allow or deny.")
    ConsentDecision decision;

    @Option(names = "--ttl-ms", description = "How long an allow is valid (required for allow).")
    Long ttlMs;

    @Option(
        names = {"-o", "--out"},
        description = "Write the response here instead of stdout.")
    Path out;

    @Mixin TimeOptions time;

    @Override
    public Integer call() throws CliException {
      if (time.atMs != null) {
        // An answer is signed now, so the request must be valid now: checking it at another time
        // would sign an allow for a stale or expired request.
        throw new CliException(2, "--at cannot be used with respond");
      }
      SigningKey responder = CliFiles.readKey(key);
      ConsentRequest parsed = readRequest(request);
      long now = clock().millis();
      ConsentResponse response;
      if (decision == ConsentDecision.ALLOW) {
        if (ttlMs == null || ttlMs <= 0) {
          throw new CliException(2, "allow needs a positive --ttl-ms");
        }
        // Never allow what we could not verify; a deny needs no such care.
        validateRequest(parsed, time, clock());
        response = ConsentResponse.allow(responder, parsed, ttlMs, now);
      } else {
        if (ttlMs != null && ttlMs != 0) {
          throw new CliException(2, "a deny carries ttl_ms = 0; drop --ttl-ms");
        }
        response = ConsentResponse.deny(responder, parsed, now);
      }
      CliFiles.writeDocument(out, response.toPrettyJson(), out());
      return 0;
    }
  }

  /** {@code consent verify-response}. */
  @Command(
      name = "verify-response",
      mixinStandardHelpOptions = true,
      description =
          "Check that a response answers a request, is signed by its responder and still valid.")
  static final class VerifyResponse extends CliCommand {
    @Option(names = "--request", required = true, description = "The request file.")
    Path request;

    @Option(names = "--response", required = true, description = "The response file.")
    Path response;

    @Option(
        names = "--responder-pub",
        description = "Expected responder key (64 hex); any signer if absent.")
    String responderPub;

    @Option(
        names = "--at",
        paramLabel = "UNIX_MS",
        description = "Check validity as of this instant instead of now.")
    Long atMs;

    @Option(
        names = "--signature-only",
        description = "Do not check whether an allow is still valid.")
    boolean signatureOnly;

    @Override
    public Integer call() throws CliException {
      ConsentRequest req = readRequest(request);
      ConsentResponse resp = readResponse(response);
      Ed25519PublicKey expected =
          responderPub == null ? null : CliFiles.publicKey(responderPub, "--responder-pub");
      Long now = signatureOnly ? null : (atMs != null ? atMs : clock().millis());
      VerifiedConsentResponse verified = verifyResponse(resp, req, expected, now);
      print(out(), verified);
      return 0;
    }
  }

  static VerifiedConsentResponse verifyResponse(
      ConsentResponse resp,
      ConsentRequest req,
      @Nullable Ed25519PublicKey expected,
      @Nullable Long now)
      throws CliException {
    try {
      return ConsentValidator.validateResponse(resp, req, expected, now);
    } catch (ConsentRejectedException e) {
      throw rejected(e);
    }
  }

  static void print(PrintWriter out, VerifiedConsentResponse verified) {
    ConsentResponse r = verified.response();
    if (r.decision() == ConsentDecision.ALLOW) {
      out.printf(
          Locale.ROOT,
          "OK: %s ALLOWS until %s%n",
          r.responderPeerId(),
          Instant.ofEpochMilli(verified.validUntilMs()));
    } else {
      out.printf(Locale.ROOT, "OK: %s DENIES%n", r.responderPeerId());
    }
  }

  /** {@code consent send}. */
  @Command(
      name = "send",
      mixinStandardHelpOptions = true,
      description =
          "Send a request to a consent listener over UDP (CLI dialect) and verify its answer.")
  static final class Send extends CliCommand {
    @Option(
        names = "--to",
        required = true,
        description = "host:port of the listener, e.g. 127.0.0.1:40405.")
    String to;

    @Option(names = "--request", required = true, description = "Request file.")
    Path request;

    @Option(
        names = "--responder-pub",
        description = "Expected responder key (64 hex); any signer if absent.")
    String responderPub;

    @Option(
        names = "--timeout-ms",
        defaultValue = "3000",
        description = "Per-step timeout (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(
        names = {"-o", "--out"},
        description = "Also write the response here.")
    Path out;

    @Override
    public Integer call() throws CliException {
      if (timeoutMs < 1 || timeoutMs > 600_000) {
        throw new CliException(2, "--timeout-ms must be between 1 and 600000");
      }
      ConsentRequest req = readRequest(request);
      Ed25519PublicKey expected =
          responderPub == null ? null : CliFiles.publicKey(responderPub, "--responder-pub");
      if (expected == null) {
        // The handshake is unauthenticated: without a pinned key, whoever answers first is
        // believed.
        spec.commandLine()
            .getErr()
            .println(
                "hsip: warning: responder not pinned (--responder-pub); any signer's answer is accepted");
      }
      UdpConsentInitiator initiator =
          new UdpConsentInitiator(address(to), Duration.ofMillis(timeoutMs), 3, new SecureRandom());
      ConsentResponse resp;
      try {
        resp = initiator.exchange(req);
      } catch (ConsentExchangeException e) {
        throw new CliException(CliException.REJECTED, e.getMessage());
      } catch (IOException e) {
        throw new CliException(
            CliException.INPUT, "UDP exchange failed: " + e.getClass().getSimpleName());
      }
      VerifiedConsentResponse verified = verifyResponse(resp, req, expected, clock().millis());
      if (out != null) {
        CliFiles.writeDocument(out, resp.toPrettyJson(), out());
      }
      print(out(), verified);
      return 0;
    }

    private static InetSocketAddress address(String hostPort) throws CliException {
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0 || colon == hostPort.length() - 1) {
        throw new CliException(2, "--to must be host:port");
      }
      try {
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        return new InetSocketAddress(InetAddress.getByName(host), port);
      } catch (NumberFormatException | UnknownHostException e) {
        throw new CliException(2, "--to must be host:port with a resolvable host");
      } catch (IllegalArgumentException e) {
        throw new CliException(2, "--to port must be 0-65535");
      }
    }
  }
}
