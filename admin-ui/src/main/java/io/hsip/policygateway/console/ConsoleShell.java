package io.hsip.policygateway.console;

import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.AppShellSettings;
import com.vaadin.flow.theme.lumo.Lumo;

/**
 * The console's page shell: Lumo plus the console's own stylesheet, both loaded at run time (no
 * front-end bundle to rebuild), and server push for the live dashboard.
 */
@Push
// Absolute paths: Undertow looks resources up only by paths that start with a slash (a relative one
// still works in the browser but logs a warning on every page load).
@StyleSheet("/" + Lumo.STYLESHEET)
@StyleSheet("/console/console.css")
public class ConsoleShell implements AppShellConfigurator {

  private static final long serialVersionUID = 1L;

  @Override
  public void configurePage(AppShellSettings settings) {
    settings.setPageTitle("HSIP Policy Gateway");
  }
}
