package io.hsip.policygateway.console;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.tabs.TabSheet;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** Finds components in a view's tree by id, for view tests that run without a browser. */
final class ComponentTree {

  private ComponentTree() {}

  /** The root and everything below it, the contents of every tab of a tab sheet included. */
  static Stream<Component> all(Component root) {
    Stream<Component> below = root.getChildren();
    if (root instanceof TabSheet tabs) {
      // A tab sheet attaches only the selected tab's content, and only once in a browser.
      below =
          IntStream.range(0, tabs.getTabCount()).mapToObj(i -> tabs.getComponent(tabs.getTabAt(i)));
    }
    return Stream.concat(Stream.of(root), below.flatMap(ComponentTree::all));
  }

  static Optional<Component> byId(Component root, String id) {
    return all(root).filter(c -> c.getId().filter(id::equals).isPresent()).findFirst();
  }

  static <T extends Component> T require(Component root, String id, Class<T> type) {
    return type.cast(
        byId(root, id).orElseThrow(() -> new AssertionError("no component with id " + id)));
  }
}
