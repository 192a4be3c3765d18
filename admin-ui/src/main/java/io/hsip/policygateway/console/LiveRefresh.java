package io.hsip.policygateway.console;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.Registration;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Refreshes attached views by server push: loads their data off the UI lock on a small shared pool,
 * then applies it inside {@link UI#access}. Stops when the view detaches (navigation, closed tab).
 */
@ApplicationScoped
public class LiveRefresh {

  private final ScheduledExecutorService pool =
      Executors.newScheduledThreadPool(
          2, Thread.ofPlatform().name("console-refresh-", 0).daemon(true).factory());

  /**
   * While {@code view} is attached, every {@code every}: {@code load} the data, then {@code apply}
   * it to the view in its UI.
   *
   * <p>Both run on this pool's threads, outside any HTTP request, so with no security identity:
   * {@code apply} must be a private method of the view (or a lambda over its components), never one
   * reached through the view bean, whose {@code @RolesAllowed} Quarkus checks on every call.
   */
  public <T> void whileAttached(
      Component view, Duration every, Supplier<T> load, Consumer<T> apply) {
    view.addAttachListener(
        (AttachEvent attach) -> {
          UI ui = attach.getUI();
          ScheduledFuture<?> task =
              pool.scheduleWithFixedDelay(
                  () -> {
                    T data = load.get();
                    ui.access(() -> apply.accept(data));
                  },
                  every.toMillis(),
                  every.toMillis(),
                  TimeUnit.MILLISECONDS);
          Registration[] detach = new Registration[1];
          detach[0] =
              view.addDetachListener(
                  d -> {
                    task.cancel(false);
                    detach[0].remove();
                  });
        });
  }

  @PreDestroy
  void stop() {
    pool.shutdownNow();
  }
}
