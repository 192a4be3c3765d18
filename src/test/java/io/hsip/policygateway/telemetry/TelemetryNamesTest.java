package io.hsip.policygateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every name in the telemetry package, found by scanning it (a new {@code *Metrics} or {@code
 * *Spans} class is covered without listing it here), is under the one prefix, well formed and
 * unique, and every metric is documented in the README under the name Prometheus shows.
 */
class TelemetryNamesTest {

  /**
   * Dot-separated lower-case segments under {@code hsip}, as Prometheus and OpenTelemetry both
   * accept.
   */
  private static final String NAME = "hsip(\\.[a-z][a-z0-9_]*)+";

  @Test
  void metricNames_areUnderThePrefix_wellFormed_andUnique() {
    List<String> names = constants("Metrics");

    assertThat(names)
        .isNotEmpty()
        .allMatch(n -> n.startsWith(Metrics.PREFIX))
        .allMatch(n -> n.matches(NAME))
        .doesNotHaveDuplicates();
  }

  @Test
  void spanNamesAndAttributeKeys_areUnderThePrefix_wellFormed_andUnique() {
    List<String> spans = constants("Spans");
    List<String> attributes = constants("SpanAttributes");

    assertThat(spans).isNotEmpty().allMatch(n -> n.matches(NAME)).doesNotHaveDuplicates();
    assertThat(attributes).isNotEmpty().allMatch(n -> n.matches(NAME)).doesNotHaveDuplicates();
  }

  @Test
  void readme_listsEveryMetricAsPrometheusNamesIt() throws Exception {
    String readme = Files.readString(Path.of("README.md"));

    assertThat(constants("Metrics"))
        .allSatisfy(name -> assertThat(readme).contains("`" + name.replace('.', '_')));
  }

  /**
   * The public String constants of the telemetry classes whose simple name ends with {@code
   * suffix}.
   */
  private static List<String> constants(String suffix) {
    List<String> values = new ArrayList<>();
    for (JavaClass type :
        new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages(Metrics.class.getPackageName())) {
      if (!type.getSimpleName().endsWith(suffix) || type.getSimpleName().equals("Metrics")) {
        continue;
      }
      for (Field field : type.reflect().getFields()) {
        if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
          try {
            values.add((String) field.get(null));
          } catch (IllegalAccessException e) {
            throw new AssertionError(e);
          }
        }
      }
    }
    return values;
  }
}
