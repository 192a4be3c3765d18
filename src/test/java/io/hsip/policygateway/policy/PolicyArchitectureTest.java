package io.hsip.policygateway.policy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering inside the policy feature: a plain-Java language and compiler under the service
 * parts.
 */
@AnalyzeClasses(
    packages = "io.hsip.policygateway",
    importOptions = ImportOption.DoNotIncludeTests.class)
class PolicyArchitectureTest {

  private static final String POLICY = "io.hsip.policygateway.policy.";

  @ArchTest
  static final ArchRule the_language_depends_on_nothing_else =
      noClasses()
          .that()
          .resideInAPackage(POLICY + "model..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              POLICY + "compile..",
              POLICY + "suite..",
              POLICY + "lifecycle..",
              POLICY + "live..",
              POLICY + "catalog..",
              POLICY + "api..",
              "io.quarkus..",
              "jakarta..",
              "com.fasterxml..",
              "dev.cel..");

  @ArchTest
  static final ArchRule the_compiler_and_suites_are_plain_java =
      noClasses()
          .that()
          .resideInAnyPackage(POLICY + "model..", POLICY + "compile..", POLICY + "suite..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.quarkus..",
              "jakarta..",
              "org.hibernate..",
              "io.smallrye..",
              POLICY + "lifecycle..",
              POLICY + "live..",
              POLICY + "catalog..",
              POLICY + "api..")
          .because("the CLI and the benchmark use them without starting the service");

  @ArchTest
  static final ArchRule hot_reload_does_not_use_the_lifecycle =
      noClasses()
          .that()
          .resideInAPackage(POLICY + "live..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(POLICY + "lifecycle..")
          .because(
              "a replica loads published versions straight from the table, on its own connection");

  @ArchTest
  static final ArchRule the_api_reads_views_not_entities =
      noClasses()
          .that()
          .resideInAPackage(POLICY + "api..")
          .should()
          .dependOnClassesThat()
          .areAnnotatedWith(jakarta.persistence.Entity.class)
          .orShould()
          .dependOnClassesThat()
          .resideInAPackage("jakarta.persistence..")
          .because(
              "the console will make the same calls, so reads go through PolicyCatalog and its view records");

  @ArchTest
  static final ArchRule the_write_side_does_not_know_its_readers =
      noClasses()
          .that()
          .resideInAPackage(POLICY + "lifecycle..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(POLICY + "catalog..", POLICY + "api..");
}
