package io.hsip.policygateway.identity;

import io.hsip.policygateway.base.ApiPaths;
import io.quarkus.oidc.TenantResolver;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Two ways in, one service: the REST APIs and the management endpoints take bearer tokens (the
 * default OIDC tenant, which answers 401 and never redirects), every other path is the admin
 * console, which signs browsers in with the authorization code flow (the {@value #CONSOLE} tenant).
 */
@ApplicationScoped
public class ConsoleTenantResolver implements TenantResolver {

  /** The OIDC tenant of the console (quarkus.oidc.console.* in application.properties). */
  public static final String CONSOLE = "console";

  @Override
  public String resolve(RoutingContext context) {
    return ApiPaths.isApi(context.normalizedPath()) ? null : CONSOLE;
  }
}
