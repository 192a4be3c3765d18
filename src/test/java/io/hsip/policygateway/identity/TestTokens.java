package io.hsip.policygateway.identity;

import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * Real signed bearer tokens for tests, from the test issuer whose public key the test profile
 * trusts ({@code src/test/resources/oidc}). Tokens carry Keycloak-style claims: {@code
 * preferred_username} and the roles in {@code groups}.
 */
public final class TestTokens {

  /** The issuer the test profile expects. */
  public static final String ISSUER = "https://issuer.test.hsip.invalid";

  /** The audience the test profile expects: this gateway's client id. */
  public static final String AUDIENCE = "hsip-gateway";

  private static final PrivateKey TRUSTED = load("/oidc/test-issuer-private.pem");
  private static final PrivateKey UNTRUSTED = load("/oidc/untrusted-issuer-private.pem");

  private TestTokens() {}

  /** A valid token for {@code user} with {@code roles}, good for five minutes. */
  public static String bearer(String user, String... roles) {
    return sign(TRUSTED, ISSUER, user, Set.of(roles), Instant.now().plus(Duration.ofMinutes(5)));
  }

  /** An admin's token. */
  public static String admin() {
    return bearer("alice.admin", Roles.ADMIN);
  }

  /** An auditor's token. */
  public static String auditor() {
    return bearer("audrey.auditor", Roles.AUDITOR);
  }

  /** A viewer's token. */
  public static String viewer() {
    return bearer("victor.viewer", Roles.VIEWER);
  }

  /**
   * A person's token whose stable subject ({@code sub}) and display name ({@code
   * preferred_username}) differ, as in Keycloak (no {@code upn}).
   */
  public static String person(String subject, String name, String... roles) {
    return Jwt.issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(subject)
        .claim("preferred_username", name)
        .claim("azp", AUDIENCE)
        .groups(Set.of(roles))
        .expiresAt(Instant.now().plus(Duration.ofMinutes(5)))
        .sign(TRUSTED);
  }

  /**
   * A Keycloak service-account token: the client's credentials grant, with the {@code
   * service-account-} user name and the {@code client_id} claim.
   */
  public static String serviceAccount(String clientId, String... roles) {
    return Jwt.issuer(ISSUER)
        .audience(AUDIENCE)
        .subject("sa-" + clientId)
        .claim("preferred_username", "service-account-" + clientId)
        .claim("azp", clientId)
        .claim("client_id", clientId)
        .groups(Set.of(roles))
        .expiresAt(Instant.now().plus(Duration.ofMinutes(5)))
        .sign(TRUSTED);
  }

  /** A token that expired a minute ago. */
  public static String expired(String user, String... roles) {
    return sign(TRUSTED, ISSUER, user, Set.of(roles), Instant.now().minus(Duration.ofMinutes(1)));
  }

  /** A token signed by a key the gateway does not trust. */
  public static String untrusted(String user, String... roles) {
    return sign(UNTRUSTED, ISSUER, user, Set.of(roles), Instant.now().plus(Duration.ofMinutes(5)));
  }

  /** A token from the trusted issuer, but minted for another client (audience). */
  public static String wrongAudience(String user, String... roles) {
    return Jwt.issuer(ISSUER)
        .audience("some-other-client")
        .subject(user)
        .upn(user)
        .claim("preferred_username", user)
        .groups(Set.of(roles))
        .expiresAt(Instant.now().plus(Duration.ofMinutes(5)))
        .sign(TRUSTED);
  }

  /** A token from the trusted key but another issuer. */
  public static String wrongIssuer(String user, String... roles) {
    return sign(
        TRUSTED,
        "https://evil.example",
        user,
        Set.of(roles),
        Instant.now().plus(Duration.ofMinutes(5)));
  }

  private static String sign(
      PrivateKey key, String issuer, String user, Set<String> roles, Instant expiry) {
    return Jwt.issuer(issuer)
        .audience(AUDIENCE)
        .subject(user)
        .upn(user)
        .claim("preferred_username", user)
        .groups(roles)
        .issuedAt(expiry.minus(Duration.ofMinutes(10)))
        .expiresAt(expiry)
        .sign(key);
  }

  private static PrivateKey load(String resource) {
    try (InputStream in = TestTokens.class.getResourceAsStream(resource)) {
      String pem =
          new String(in.readAllBytes(), StandardCharsets.US_ASCII)
              .replaceAll("-----[A-Z ]+-----", "")
              .replaceAll("\\s", "");
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot load test key " + resource, e);
    }
  }
}
