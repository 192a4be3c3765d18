package io.hsip.policygateway.policy.lifecycle;

import io.hsip.policygateway.policy.PolicyConfig;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Publishes {@code policy.bootstrap-file} as the first version of the live set when the set has
 * none, so that a fresh development gateway enforces the example organisation. Production leaves it
 * unset.
 */
@ApplicationScoped
public class PolicyBootstrap {

  private final PolicyConfig config;
  private final PolicyLifecycle lifecycle;

  PolicyBootstrap(PolicyConfig config, PolicyLifecycle lifecycle) {
    this.config = config;
    this.lifecycle = lifecycle;
  }

  // Runs before the live policy's listener starts (default priority), so its first check finds it.
  void start(@Observes @Priority(1) StartupEvent event) {
    config.bootstrapFile().ifPresent(this::bootstrap);
  }

  private void bootstrap(Path file) {
    boolean empty =
        QuarkusTransaction.requiringNew()
            .call(() -> PolicyVersion.latest(config.liveSet()).isEmpty());
    if (!empty) {
      return;
    }
    byte[] document;
    try {
      document = Files.readAllBytes(file);
    } catch (IOException e) {
      Log.warnf(
          "policy bootstrap: cannot read %s (%s); the gateway denies everything until a policy is published",
          file, e.getClass().getSimpleName());
      return;
    }
    PolicyLifecycle.Imported imported =
        lifecycle.importDocument(Actor.system("system:bootstrap"), document, true);
    boolean waiting =
        imported instanceof PolicyLifecycle.Imported.Publishing p
            && p.publication() instanceof PolicyLifecycle.Publication.AwaitingApproval;
    Log.infof(
        "policy bootstrap: published %s as policy set %s%s",
        file, config.liveSet(), waiting ? " (awaiting a second admin's approval)" : "");
  }
}
