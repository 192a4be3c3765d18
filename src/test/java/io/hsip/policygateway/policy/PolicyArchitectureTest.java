package io.hsip.policygateway.policy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layering inside the policy feature: a plain-Java language and compiler under the service parts. */
@AnalyzeClasses(packages = "io.hsip.policygateway", importOptions = ImportOption.DoNotIncludeTests.class)
class PolicyArchitectureTest {

  private static final String POLICY = "io.hsip.policygateway.policy.";

  @ArchTest
  static final ArchRule the_language_depends_on_nothing_else =
      noClasses().that().resideInAPackage(POLICY + "model..")
          .should().dependOnClassesThat().resideInAnyPackage(
              POLICY + "compile..", POLICY + "internal..", POLICY + "suite..", POLICY + "lifecycle..", POLICY + "live..",
              "io.quarkus..", "jakarta..", "com.fasterxml..", "dev.cel..");

  @ArchTest
  static final ArchRule the_compiler_and_suites_are_plain_java =
      noClasses().that().resideInAnyPackage(POLICY + "model..", POLICY + "compile..", POLICY + "internal..",
              POLICY + "suite..")
          .should().dependOnClassesThat().resideInAnyPackage(
              "io.quarkus..", "jakarta..", "org.hibernate..", "io.smallrye..", POLICY + "lifecycle..", POLICY + "live..")
          .because("the CLI and the benchmark use them without starting the service");

  @ArchTest
  static final ArchRule internals_stay_inside_the_compiler =
      noClasses().that().resideOutsideOfPackages(POLICY + "compile..", POLICY + "internal..", POLICY + "suite..")
          .should().dependOnClassesThat().resideInAPackage(POLICY + "internal..");

  @ArchTest
  static final ArchRule hot_reload_does_not_use_the_lifecycle =
      noClasses().that().resideInAPackage(POLICY + "live..")
          .should().dependOnClassesThat().resideInAPackage(POLICY + "lifecycle..")
          .because("a replica loads published versions straight from the table, on its own connection");
}
