package io.hsip.policygateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each boundary rule of {@link ArchitectureTest}, built by the same {@link ArchitectureRules}
 * factory, reports a deliberate violation in a small fixture and stays quiet on a compliant one.
 */
class ArchitectureRulesTest {

  private static final String FIXTURES = "io.hsip.policygateway.archfixture.";

  @Test
  void hsipUsesNoTelemetryLibrary_reportsOpenTelemetryAndMicrometerInHsip() {
    List<String> violations =
        violations(ArchitectureRules::hsipUsesNoTelemetryLibrary, "telemetry.violating");

    assertThat(violations)
        .anyMatch(v -> v.contains("TracedCodec") && v.contains("io.opentelemetry.api.trace.Span"));
    assertThat(violations)
        .anyMatch(
            v -> v.contains("CountedCodec") && v.contains("io.micrometer.core.instrument.Counter"));
  }

  @Test
  void hsipUsesNoTelemetryLibrary_allowsTracingAroundHsipInOtherFeatures() {
    assertThat(violations(ArchitectureRules::hsipUsesNoTelemetryLibrary, "telemetry.compliant"))
        .isEmpty();
  }

  @Test
  void
      internalPackagesAreUsedOnlyByTheirOwner_reportsAnotherFeatureAndASubPackageOfTheSameFeature() {
    List<String> violations =
        violations(
            ArchitectureRules::internalPackagesAreUsedOnlyByTheirOwner, "encapsulation.violating");

    assertThat(violations)
        .anyMatch(v -> v.contains("other.Leaker") && v.contains("internal.Secret"));
    assertThat(violations)
        .anyMatch(v -> v.contains("feature.api.Reader") && v.contains("internal.Secret"));
    assertThat(violations)
        .allMatch(v -> v.contains("[outside " + FIXTURES + "encapsulation.violating.feature]"))
        .noneMatch(v -> v.contains("FeatureService"));
  }

  @Test
  void internalPackagesAreUsedOnlyByTheirOwner_allowsTheFeatureRootAndTheInternalPackageItself() {
    assertThat(
            violations(
                ArchitectureRules::internalPackagesAreUsedOnlyByTheirOwner,
                "encapsulation.compliant"))
        .isEmpty();
  }

  @Test
  void owner_isThePackageHoldingTheFirstInternalPackageBelowTheRoot() {
    assertThat(ArchitectureRules.owner("a.b", "a.b.audit.internal")).isEqualTo("a.b.audit");
    assertThat(ArchitectureRules.owner("a.b", "a.b.policy.compile.internal.x"))
        .isEqualTo("a.b.policy.compile");
    assertThat(ArchitectureRules.owner("x.internal", "x.internal.f.internal"))
        .isEqualTo("x.internal.f");
  }

  @Test
  void resourcesAndViewsUseServicesNotPersistence_reportsEntityJpaInternalAndNestedAccess() {
    List<String> violations =
        violations(
            ArchitectureRules::resourcesAndViewsUseServicesNotPersistence, "persistence.violating");

    assertThat(violations)
        .anyMatch(v -> v.contains("EntityResource") && v.contains("feature.Account"));
    assertThat(violations)
        .anyMatch(
            v -> v.contains("JpaResource") && v.contains("jakarta.persistence.EntityManager"));
    assertThat(violations)
        .anyMatch(v -> v.contains("InternalResource") && v.contains("AccountStore"));
    assertThat(violations)
        .anyMatch(
            v -> v.contains("NestedViewResource$AccountView") && v.contains("feature.Account"));
    assertThat(violations)
        .anyMatch(v -> v.contains("console.AccountGrid") && v.contains("feature.Account"));
  }

  @Test
  void resourcesAndViewsUseServicesNotPersistence_allowsResourcesAndViewsThatCallServices() {
    assertThat(
            violations(
                ArchitectureRules::resourcesAndViewsUseServicesNotPersistence,
                "persistence.compliant"))
        .isEmpty();
  }

  private static List<String> violations(
      java.util.function.Function<String, ArchRule> rule, String fixture) {
    String root = FIXTURES + fixture;
    JavaClasses classes = new ClassFileImporter().importPackages(root);
    EvaluationResult result = rule.apply(root).evaluate(classes);
    return result.getFailureReport().getDetails();
  }
}
