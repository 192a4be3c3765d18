package io.hsip.policygateway.console;

import com.vaadin.flow.router.PageTitle;

/** Small helpers shared by the views. */
final class ConsoleViews {

  private ConsoleViews() {}

  /** A view's menu title: its {@link PageTitle}, without the product suffix. */
  static String title(Class<?> view) {
    PageTitle title = view.getAnnotation(PageTitle.class);
    if (title == null) {
      return view.getSimpleName();
    }
    String value = title.value();
    int dash = value.indexOf(" · ");
    return dash < 0 ? value : value.substring(0, dash);
  }
}
