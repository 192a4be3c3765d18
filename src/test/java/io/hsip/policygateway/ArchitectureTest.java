package io.hsip.policygateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The package rules of docs/architecture.md#dependency-rules, enforced on the main classes. */
@AnalyzeClasses(
    packages = "io.hsip.policygateway",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String ROOT = "io.hsip.policygateway.";
  private static final String PACKAGE = "io.hsip.policygateway";

  @ArchTest
  static final ArchRule features_have_no_cycles =
      slices().matching(ROOT + "(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule hsip_depends_on_no_other_feature =
      noClasses()
          .that()
          .resideInAPackage(ROOT + "hsip..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              ROOT + "base..",
              ROOT + "policy..",
              ROOT + "audit..",
              ROOT + "gateway..",
              ROOT + "reputation..",
              ROOT + "identity..",
              ROOT + "console..",
              ROOT + "telemetry..",
              ROOT + "cli..")
          .because("the protocol core is a library usable without the service");

  @ArchTest
  static final ArchRule hsip_uses_no_framework =
      noClasses()
          .that()
          .resideInAPackage(ROOT + "hsip..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.quarkus..", "jakarta..", "org.hibernate..", "io.smallrye..", "io.vertx..")
          .because("hsip is plain Java + BouncyCastle: no Quarkus, no database");

  @ArchTest
  static final ArchRule only_hsip_uses_hsip_crypto =
      noClasses()
          .that()
          .resideOutsideOfPackage(ROOT + "hsip..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(ROOT + "hsip.crypto..")
          .because("other features use the typed keys and protocol types, not primitives");

  @ArchTest
  static final ArchRule only_hsip_touches_raw_crypto =
      noClasses()
          .that()
          .resideOutsideOfPackage(ROOT + "hsip..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.bouncycastle..", "javax.crypto..", "java.security.spec..")
          // MessageDigest objects handed out by hsip.Sha256.incremental() may be used, not created.
          .orShould()
          .callMethod(java.security.MessageDigest.class, "getInstance", String.class)
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.security.Signature")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.security.KeyFactory")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.security.KeyPairGenerator")
          .because("only hsip touches raw crypto APIs");

  @ArchTest
  static final ArchRule base_depends_on_no_feature =
      noClasses()
          .that()
          .resideInAPackage(ROOT + "base..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              ROOT + "hsip..",
              ROOT + "policy..",
              ROOT + "audit..",
              ROOT + "gateway..",
              ROOT + "reputation..",
              ROOT + "identity..",
              ROOT + "console..",
              ROOT + "telemetry..",
              ROOT + "cli..");

  @ArchTest
  static final ArchRule console_uses_services_not_persistence =
      noClasses()
          .that()
          .resideInAPackage(ROOT + "console..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "..internal..",
              "jakarta.persistence..",
              "io.quarkus.hibernate.orm.panache..",
              "jakarta.ws.rs.client..",
              "org.eclipse.microprofile.rest.client..")
          .allowEmptyShould(true)
          .because("views call feature services, never repositories, internals or REST");

  @ArchTest
  static final ArchRule console_uses_no_entities =
      noClasses()
          .that()
          .resideInAPackage(ROOT + "console..")
          .should()
          .dependOnClassesThat()
          .areAnnotatedWith(jakarta.persistence.Entity.class)
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule hsip_uses_no_telemetry_library =
      ArchitectureRules.hsipUsesNoTelemetryLibrary(PACKAGE);

  @ArchTest
  static final ArchRule internal_packages_are_used_only_by_their_owner =
      ArchitectureRules.internalPackagesAreUsedOnlyByTheirOwner(PACKAGE);

  @ArchTest
  static final ArchRule resources_and_views_use_services_not_persistence =
      ArchitectureRules.resourcesAndViewsUseServicesNotPersistence(PACKAGE);
}
