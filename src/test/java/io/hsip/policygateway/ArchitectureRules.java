package io.hsip.policygateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.properties.CanBeAnnotated;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Arrays;
import java.util.Optional;

/**
 * The package-boundary rules, built for any root package: {@link ArchitectureTest} checks them on
 * the main classes and {@code ArchitectureRulesTest} proves on small fixtures that each one catches
 * a violation, so a rule that silently checks nothing cannot pass for long.
 */
final class ArchitectureRules {

  private static final String INTERNAL = "internal";

  private ArchitectureRules() {}

  /** The protocol core stays a plain library: no tracing or metrics API inside {@code hsip}. */
  static ArchRule hsipUsesNoTelemetryLibrary(String root) {
    return noClasses()
        .that()
        .resideInAPackage(root + ".hsip..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.opentelemetry..", "io.micrometer..")
        .because(
            "hsip is usable without the service; features trace and count around it, by the names in telemetry");
  }

  /**
   * A class in an {@code internal} package is used only from the package that holds it (for {@code
   * root.audit.internal}: from {@code root.audit}) and from inside the internal package itself.
   * Other packages, sub-packages of the same feature included, go through public API that the
   * feature's root package offers on purpose.
   */
  static ArchRule internalPackagesAreUsedOnlyByTheirOwner(String root) {
    return classes()
        .that()
        .resideInAPackage(root + ".." + INTERNAL + "..")
        .should(beUsedOnlyFromInsideTheirOwner(root))
        .because("an internal package is its owner's implementation, not API for other packages");
  }

  /**
   * REST resources (and their nested types) and the console (its package and any {@code @Route}
   * view) call services: they touch no entity, no JPA, Hibernate or Panache API and no internal
   * class, so the console can use exactly the calls the API uses.
   */
  static ArchRule resourcesAndViewsUseServicesNotPersistence(String root) {
    return noClasses()
        .that(resourcesOrViews(root))
        .should()
        .dependOnClassesThat(persistence(root))
        .because(
            "resources translate HTTP and views render; reading and writing storage is a service's job");
  }

  private static ArchCondition<JavaClass> beUsedOnlyFromInsideTheirOwner(String root) {
    return new ArchCondition<>("be used only from the package that holds their internal package") {
      @Override
      public void check(JavaClass internal, ConditionEvents events) {
        String owner = owner(root, internal.getPackageName());
        String internalPackage = owner + "." + INTERNAL;
        for (Dependency dependency : internal.getDirectDependenciesToSelf()) {
          String origin = dependency.getOriginClass().getPackageName();
          if (!origin.equals(owner)
              && !origin.equals(internalPackage)
              && !origin.startsWith(internalPackage + ".")) {
            events.add(
                SimpleConditionEvent.violated(
                    dependency, dependency.getDescription() + " [outside " + owner + "]"));
          }
        }
      }
    };
  }

  /**
   * The package that holds the first {@code internal} package below {@code root} in {@code
   * packageName}.
   */
  static String owner(String root, String packageName) {
    String[] segments = packageName.split("\\.");
    for (int i = root.split("\\.").length; i < segments.length; i++) {
      if (segments[i].equals(INTERNAL)) {
        return String.join(".", Arrays.copyOfRange(segments, 0, i));
      }
    }
    throw new IllegalArgumentException(packageName + " has no internal package below " + root);
  }

  private static DescribedPredicate<JavaClass> resourcesOrViews(String root) {
    String console = root + ".console";
    return new DescribedPredicate<>(
        "are REST resources (@Path) or nested in one, or console classes") {
      @Override
      public boolean test(JavaClass type) {
        if (type.getPackageName().equals(console)
            || type.getPackageName().startsWith(console + ".")) {
          return true;
        }
        for (Optional<JavaClass> c = Optional.of(type);
            c.isPresent();
            c = c.get().getEnclosingClass()) {
          if (c.get().isAnnotatedWith("jakarta.ws.rs.Path")
              || c.get().isAnnotatedWith("com.vaadin.flow.router.Route")) {
            return true;
          }
        }
        return false;
      }
    };
  }

  private static DescribedPredicate<JavaClass> persistence(String root) {
    return JavaClass.Predicates.assignableTo("io.quarkus.hibernate.orm.panache.PanacheEntityBase")
        .or(
            JavaClass.Predicates.resideInAnyPackage(
                "jakarta.persistence..",
                "io.quarkus.hibernate.orm.panache..",
                "org.hibernate..",
                root + ".." + INTERNAL + ".."))
        .or(CanBeAnnotated.Predicates.annotatedWith("jakarta.persistence.Entity"))
        .as("are entities, JPA, Hibernate or Panache API, or internal classes");
  }
}
