package io.hsip.policygateway.base;

/**
 * The two sides of the one HTTP service: the bearer-token side (the REST APIs under {@code /api}
 * and the management endpoints under {@code /q}), and the browser side (every other path: the admin
 * console, which signs people in with the authorization code flow).
 */
public final class ApiPaths {

  private ApiPaths() {}

  /** Whether {@code path} (normalised) belongs to the bearer-token side. */
  public static boolean isApi(String path) {
    return path.equals("/api")
        || path.startsWith("/api/")
        || path.equals("/q")
        || path.startsWith("/q/");
  }
}
