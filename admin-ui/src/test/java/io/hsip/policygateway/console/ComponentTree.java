package io.hsip.policygateway.console;

import com.vaadin.flow.component.Component;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds components in a view's tree by id, for view tests that run without a browser. */
final class ComponentTree {

  private ComponentTree() {}

  static Stream<Component> all(Component root) {
    return Stream.concat(Stream.of(root), root.getChildren().flatMap(ComponentTree::all));
  }

  static Optional<Component> byId(Component root, String id) {
    return all(root).filter(c -> c.getId().filter(id::equals).isPresent()).findFirst();
  }

  static <T extends Component> T require(Component root, String id, Class<T> type) {
    return type.cast(
        byId(root, id).orElseThrow(() -> new AssertionError("no component with id " + id)));
  }
}
