package io.hsip.policygateway.cli.load;

import io.hsip.policygateway.hsip.LowerHex;
import io.hsip.policygateway.hsip.consent.ConsentRequest;
import io.hsip.policygateway.hsip.keys.SigningKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;

/** Signs the requests of one simulated peer, each kind as {@link LoadKind} describes it. */
final class PeerRequests {

  private final SigningKey key;
  private final LoadSettings settings;
  private final Clock clock;
  private final SecureRandom random;
  private final String contentId;
  private final Map<LoadKind, ArrayDeque<ConsentRequest>> presigned = new EnumMap<>(LoadKind.class);

  PeerRequests(SigningKey key, LoadSettings settings, Clock clock, SecureRandom random) {
    this.key = key;
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    byte[] content = new byte[32];
    random.nextBytes(content);
    this.contentId = LowerHex.encode(content);
  }

  /**
   * Signs {@code perKind.get(k)} requests of each kind now, for {@link #next} to hand out before it
   * signs any more: the signing cost then falls before the run rather than in it. Their {@code
   * ts_ms} is the time they were signed, so a run must send them within the gateway's clock-skew
   * window.
   */
  void presign(Map<LoadKind, Long> perKind) {
    perKind.forEach(
        (kind, n) -> {
          if (kind != LoadKind.REPLAYED) {
            ArrayDeque<ConsentRequest> pool =
                presigned.computeIfAbsent(kind, k -> new ArrayDeque<>());
            for (long i = 0; i < n; i++) {
              pool.add(sign(kind));
            }
          }
        });
  }

  /**
   * A new request of {@code kind}, presigned if one is left. {@link LoadKind#REPLAYED} is not made
   * here (it is an earlier request sent again); {@link LoadKind#MALFORMED} is a valid allow request
   * that the transport breaks when it encodes it.
   */
  ConsentRequest next(LoadKind kind) {
    ArrayDeque<ConsentRequest> pool = presigned.get(kind);
    ConsentRequest ready = pool == null ? null : pool.poll();
    return ready != null ? ready : sign(kind);
  }

  private ConsentRequest sign(LoadKind kind) {
    long now = clock.millis();
    return switch (kind) {
      case ALLOW, MALFORMED -> sign(settings.allowPurpose(), now);
      case DENY -> sign(settings.denyPurpose(), now);
      case STALE -> sign(settings.allowPurpose(), now - settings.staleAge().toMillis());
      case BAD_SIGNATURE -> flipSignatureBit(sign(settings.allowPurpose(), now));
      case REPLAYED -> throw new IllegalArgumentException("a replayed request is an earlier one");
    };
  }

  private ConsentRequest sign(String purpose, long tsMs) {
    byte[] nonce = new byte[ConsentRequest.NONCE_LENGTH];
    random.nextBytes(nonce);
    // Expiry counts from now, not from ts_ms, so a stale request is stale and not also expired.
    long expires = clock.millis() + settings.requestLifetime().toMillis();
    return ConsentRequest.sign(key, contentId, purpose, expires, tsMs, nonce);
  }

  /** The same request with the lowest bit of its signature's first byte flipped. */
  static ConsentRequest flipSignatureBit(ConsentRequest request) {
    byte[] sig = LowerHex.decode(request.sigHex(), 64);
    if (sig == null) {
      throw new IllegalStateException("a signed request has a 64-byte signature");
    }
    sig[0] ^= 1;
    return new ConsentRequest(
        request.version(),
        request.requesterPeerId(),
        request.requesterPubKeyHex(),
        request.contentCidHex(),
        request.purpose(),
        request.expiresMs(),
        request.tsMs(),
        request.nonceHex(),
        LowerHex.encode(sig));
  }
}
