package io.hsip.policygateway.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every REST endpoint of the service × anonymous, viewer, auditor, admin and daemon, against the
 * table in src/test/resources/authorization/api-matrix.txt. The endpoints are discovered from the
 * classes (not from the table), so an endpoint added without a line in the table fails the build.
 */
@QuarkusTest
class ApiAuthorizationMatrixTest {

  enum Persona {
    VIEWER,
    AUDITOR,
    ADMIN,
    DAEMON;

    String token() {
      return switch (this) {
        case VIEWER -> TestTokens.viewer();
        case AUDITOR -> TestTokens.auditor();
        case ADMIN -> TestTokens.admin();
        case DAEMON -> TestTokens.serviceAccount("matrix-daemon", Roles.DAEMON);
      };
    }
  }

  /** Concrete values for the path parameters, valid in type so that only authorisation decides. */
  private static final Map<String, String> PARAMETERS =
      Map.of(
          "id", "00000000-0000-4000-8000-000000000001",
          "name", "matrix",
          "peerId", "AAAAAAAAAAAAAAAAAAAAAAAAAA",
          "peer_id", "AAAAAAAAAAAAAAAAAAAAAAAAAA",
          "seq", "1",
          "set", "matrix",
          "treeSize", "1",
          "version", "1");

  private static final Pattern PARAMETER = Pattern.compile("\\{([A-Za-z_]+)}");

  /** The catch-all that answers 404 for unknown API paths is public by design and tested apart. */
  private static final String CATCH_ALL = "/api/{path: .*}";

  @Test
  void everyEndpointHasALineAndEveryLineAnEndpoint() throws IOException {
    Set<String> discovered = discovered().keySet();
    Set<String> listed = expected().keySet();
    assertThat(discovered).as("endpoints without a line in api-matrix.txt").isSubsetOf(listed);
    assertThat(listed).as("lines of api-matrix.txt without an endpoint").isSubsetOf(discovered);
    assertThat(discovered).hasSizeGreaterThan(50);
  }

  @TestFactory
  Stream<DynamicTest> eachEndpointForEachPersona() throws IOException {
    Map<String, String> bodies = discovered();
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, Set<String>> row : expected().entrySet()) {
      String[] methodAndPath = row.getKey().split(" ", 2);
      String method = methodAndPath[0];
      String path = concrete(methodAndPath[1]);
      boolean isPublic = row.getValue().contains("public");
      String mediaType = bodies.getOrDefault(row.getKey(), "application/json");
      tests.add(
          DynamicTest.dynamicTest(
              row.getKey() + " anonymous",
              () -> {
                Response response = call(given(), method, path, mediaType);
                if (isPublic) {
                  assertThat(response.statusCode()).isNotIn(401, 403);
                } else {
                  assertThat(response.statusCode()).as(row.getKey()).isEqualTo(401);
                }
              }));
      for (Persona persona : Persona.values()) {
        boolean allowed =
            isPublic || row.getValue().contains(persona.name().toLowerCase(java.util.Locale.ROOT));
        tests.add(
            DynamicTest.dynamicTest(
                row.getKey() + " " + persona.name().toLowerCase(java.util.Locale.ROOT),
                () -> {
                  Response response =
                      call(given().auth().oauth2(persona.token()), method, path, mediaType);
                  String what = row.getKey() + " as " + persona;
                  if (allowed) {
                    assertThat(refusedByRole(response))
                        .as(what + " answered " + response.statusCode() + " " + response.asString())
                        .isFalse();
                  } else {
                    assertThat(response.statusCode()).as(what).isEqualTo(403);
                    assertThat(refusedByRole(response)).as(what).isTrue();
                  }
                }));
      }
    }
    return tests.stream();
  }

  @Test
  void unknownApiPathsAre404ForEveryone() {
    for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH")) {
      assertThat(call(given(), method, "/api/v1/no-such-endpoint", "application/json").statusCode())
          .isEqualTo(404);
    }
  }

  /** The role check's own refusal: 401, or 403 with the generic title (not a feature's 403). */
  private static boolean refusedByRole(Response response) {
    if (response.statusCode() == 401) {
      return true;
    }
    return response.statusCode() == 403
        && "Forbidden".equals(response.jsonPath().getString("title"));
  }

  /**
   * Calls with a body of the media type the endpoint consumes (else JAX-RS answers 415 before any
   * security check: it picks the method by media type first). The body itself is never valid.
   */
  private static Response call(
      RequestSpecification request, String method, String path, String mediaType) {
    RequestSpecification spec = request.redirects().follow(false);
    if (!method.equals("GET") && !method.equals("DELETE")) {
      byte[] body = (mediaType.contains("json") ? "{}" : "x: 1\n").getBytes(StandardCharsets.UTF_8);
      spec = spec.contentType(mediaType).body(body);
    }
    return spec.request(method, path);
  }

  private static String concrete(String template) {
    Matcher m = PARAMETER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = PARAMETERS.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException("no test value for path parameter " + m.group(1));
      }
      m.appendReplacement(out, value);
    }
    m.appendTail(out);
    return out.toString();
  }

  /** "METHOD /path" of every resource method in the main classes → the media type it consumes. */
  static Map<String, String> discovered() {
    Map<String, String> endpoints = new TreeMap<>();
    for (JavaClass type :
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.hsip.policygateway")) {
      if (!type.isAnnotatedWith(Path.class)) {
        continue;
      }
      Class<?> resource = type.reflect();
      String base = resource.getAnnotation(Path.class).value();
      for (Method method : resource.getDeclaredMethods()) {
        String verb = verb(method);
        if (verb == null) {
          continue;
        }
        Path sub = method.getAnnotation(Path.class);
        String path = join(base, sub == null ? "" : sub.value());
        if (!path.equals(CATCH_ALL)) {
          Consumes consumes = method.getAnnotation(Consumes.class);
          if (consumes == null) {
            consumes = resource.getAnnotation(Consumes.class);
          }
          endpoints.put(
              verb + " " + path, consumes == null ? "application/json" : consumes.value()[0]);
        }
      }
    }
    return endpoints;
  }

  private static String verb(Method method) {
    for (Class<? extends Annotation> verb :
        List.of(GET.class, POST.class, PUT.class, DELETE.class, PATCH.class)) {
      if (method.isAnnotationPresent(verb)) {
        return verb.getSimpleName();
      }
    }
    return null;
  }

  private static String join(String base, String sub) {
    String path = ("/" + base + "/" + sub).replaceAll("/+", "/");
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** The table: "METHOD /path" → the personas (or "public") named on its line. */
  static Map<String, Set<String>> expected() throws IOException {
    Map<String, Set<String>> table = new TreeMap<>();
    try (var in =
        new BufferedReader(
            new InputStreamReader(
                ApiAuthorizationMatrixTest.class.getResourceAsStream(
                    "/authorization/api-matrix.txt"),
                StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] words = line.trim().split("\\s+");
        Set<String> who = new TreeSet<>(List.of(words).subList(2, words.length));
        assertThat(who)
            .as(line)
            .isNotEmpty()
            .isSubsetOf(Set.of("public", "viewer", "auditor", "admin", "daemon"));
        if (table.put(words[0] + " " + words[1], who) != null) {
          throw new IllegalStateException("duplicate line: " + line);
        }
      }
    }
    return table;
  }
}
