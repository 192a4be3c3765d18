package io.hsip.policygateway.console;

import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Small helpers shared by the views. */
final class ConsoleViews {

  private ConsoleViews() {}

  /** A text field with a label and the id tests and the browser test find it by. */
  static TextField field(String label, String id) {
    TextField field = new TextField(label);
    field.setId(id);
    return field;
  }

  /** The names of a comma-separated list, stripped, empty ones dropped. */
  static Set<String> names(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** A form value, stripped; null when blank (an optional field left empty). */
  static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

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
