package io.hsip.policygateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.interaction.ApiOperationResolver;
import com.atlassian.oai.validator.model.ApiOperationMatch;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.RestAssuredRequest;
import com.atlassian.oai.validator.restassured.RestAssuredResponse;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import io.restassured.specification.RequestSpecification;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAPI document the running service serves, as a RestAssured filter: every call made through
 * it has its request and response validated against the document, and the operation it reached is
 * noted.
 */
final class OpenApiContract {

  /** Operations ("GET /api/v1/...", as templated in the document) that a checked call reached. */
  private static final Set<String> EXERCISED = ConcurrentHashMap.newKeySet();

  private static @Nullable Loaded loaded;

  private OpenApiContract() {}

  /** The served document, parsed once; the validator and the operation resolver both read it. */
  private record Loaded(
      OpenAPI document, OpenApiInteractionValidator validator, ApiOperationResolver operations) {}

  private static synchronized Loaded loaded() {
    if (loaded == null) {
      String json =
          given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
      OpenAPI document = new OpenAPIV3Parser().readContents(json).getOpenAPI();
      loaded =
          new Loaded(
              document,
              OpenApiInteractionValidator.createForInlineApiSpecification(json).build(),
              new ApiOperationResolver(document, null, false));
    }
    return loaded;
  }

  static OpenAPI document() {
    return loaded().document();
  }

  static OpenApiInteractionValidator validator() {
    return loaded().validator();
  }

  static Set<String> exercised() {
    return Set.copyOf(EXERCISED);
  }

  /** A call with {@code token} whose request and response are checked. */
  static RequestSpecification checked(String token) {
    // As a header, not auth().oauth2(): the validator reads the headers of the request
    // specification.
    return given().filter(requestAndResponse()).header("Authorization", "Bearer " + token);
  }

  static Filter requestAndResponse() {
    return new Checked(true);
  }

  /** For a call that breaks the contract on purpose (no token, a required header left out). */
  static Filter responseOnly() {
    return new Checked(false);
  }

  /** Validates a call against the contract, and notes the operation. */
  private static final class Checked implements Filter {
    private final boolean checkRequest;

    Checked(boolean checkRequest) {
      this.checkRequest = checkRequest;
    }

    @Override
    public Response filter(
        FilterableRequestSpecification request,
        FilterableResponseSpecification responseSpec,
        FilterContext ctx) {
      Response response = ctx.next(request, responseSpec);
      Request wireRequest = RestAssuredRequest.of(request);
      ValidationReport report =
          checkRequest
              ? validator().validate(wireRequest, RestAssuredResponse.of(response))
              : validator()
                  .validateResponse(
                      wireRequest.getPath(),
                      wireRequest.getMethod(),
                      RestAssuredResponse.of(response));
      assertThat(report.getMessages())
          .as(
              "%s %s answered %d:%n%s",
              wireRequest.getMethod(),
              wireRequest.getPath(),
              response.statusCode(),
              response.asString())
          .isEmpty();
      ApiOperationMatch match =
          loaded().operations().findApiOperation(wireRequest.getPath(), wireRequest.getMethod());
      if (match.isPathFound() && match.isOperationAllowed()) {
        EXERCISED.add(
            wireRequest.getMethod() + " " + match.getApiOperation().getApiPath().original());
      }
      return response;
    }
  }
}
