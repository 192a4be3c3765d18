package io.hsip.policygateway.base.error;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Every error reaches the client as application/problem+json, without internals. */
@QuarkusTest
class ProblemMappersTest {

  private static final String PROBE = "/api/test-only/problems";

  @TestHTTPResource("/")
  URL base;

  @Test
  void unknownPathIs404Problem() {
    given()
        .when()
        .get("/api/v1/no-such-thing")
        .then()
        .statusCode(404)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("status", equalTo(404))
        .body("title", equalTo("Not Found"))
        .body("type", equalTo("about:blank"))
        .body("instance", equalTo("/api/v1/no-such-thing"));
  }

  @Test
  void aRefusalForLoadAsksTheClientToWaitInWholeSecondsRoundedUp() {
    given()
        .when()
        .get(PROBE + "/busy")
        .then()
        .statusCode(503)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .header("Retry-After", equalTo("2"))
        .body("title", equalTo("Probe busy"));
  }

  @Test
  void wrongMethodIs405Problem() {
    given()
        .when()
        .delete("/api/v1/identity")
        .then()
        .statusCode(405)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("title", equalTo("Method Not Allowed"));
  }

  @Test
  void malformedJsonIs400ProblemWithPosition() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"name\": \"x\", \"count\": }")
        .when()
        .post(PROBE)
        .then()
        .statusCode(400)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("title", equalTo("Malformed request body"))
        .body("detail", startsWith("The body is not valid JSON at line 1, column"))
        .body("detail", not(containsString("jackson")));
  }

  @Test
  void unknownFieldIs400Problem() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"name\":\"x\",\"count\":1,\"admin\":true}")
        .when()
        .post(PROBE)
        .then()
        .statusCode(400)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("detail", equalTo("Unknown field `admin`."));
  }

  @Test
  void wrongTypeIs400Problem() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"name\":\"x\",\"count\":\"many\"}")
        .when()
        .post(PROBE)
        .then()
        .statusCode(400)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("detail", startsWith("A field has the wrong type or format"));
  }

  @Test
  void constraintViolationsAre400ProblemWithFields() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"name\":\" \",\"count\":0}")
        .when()
        .post(PROBE)
        .then()
        .statusCode(400)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("title", equalTo("Invalid request"))
        .body("violations", hasSize(2))
        .body("violations[0].field", equalTo("count"))
        .body("violations[1].field", equalTo("name"));
  }

  @Test
  void wrongMediaTypeIs415Problem() {
    given()
        .contentType(ContentType.TEXT)
        .body("name=x")
        .when()
        .post(PROBE)
        .then()
        .statusCode(415)
        .contentType(startsWith(Problem.MEDIA_TYPE));
  }

  @Test
  void bodyOverTheGlobalLimitIs413Problem() {
    String huge = "{\"name\":\"" + "x".repeat(10 * 1024 * 1024) + "\",\"count\":1}";
    given()
        .contentType(ContentType.JSON)
        .body(huge)
        .when()
        .post(PROBE)
        .then()
        .statusCode(413)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("title", equalTo("Request Entity Too Large"));
  }

  /**
   * The JDK's client asks for HTTP/2 (an h2c upgrade) by default, and rejects a response that
   * carries a connection header, which HTTP/2 forbids: the 413 must be readable there too (a fuzz
   * run of the decision API found it was not).
   */
  @Test
  void bodyOverTheGlobalLimitIs413ProblemOverHttp2Too() throws Exception {
    byte[] huge = new byte[10 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) 'x');
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create(base.toString() + PROBE.substring(1)))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(huge))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith(Problem.MEDIA_TYPE));
      assertThat(response.body()).contains("Request Entity Too Large");
    }
  }

  @Test
  void featureExceptionKeepsItsStatusAndType() {
    given()
        .when()
        .get(PROBE + "/conflict")
        .then()
        .statusCode(409)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("type", equalTo("https://hsip.io/problems/probe-conflict"))
        .body("title", equalTo("Probe conflict"))
        .body("detail", equalTo("The probe is in a state that does not allow this."));
  }

  @Test
  void unexpectedErrorIs500WithoutInternals() {
    given()
        .when()
        .get(PROBE + "/bug")
        .then()
        .statusCode(500)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("title", equalTo("Internal Server Error"))
        .body("error_id", matchesPattern("[0-9a-f-]{36}"))
        .body(
            allOf(
                not(containsString("IllegalStateException")),
                not(containsString("com.example")),
                not(containsString("at io.")),
                not(containsString("internal detail"))));
  }
}
