package io.hsip.policygateway.base;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.hsip.policygateway.base.error.Problem;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.validation.constraints.Positive;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.jspecify.annotations.Nullable;

/**
 * Makes the published OpenAPI document say what the wire does, where the scanner cannot know it:
 * which members are required or may be null (from the records' JSpecify {@code @Nullable}, since
 * every package is {@code @NullMarked}), and that every error of {@code /api/v1} is an {@code
 * application/problem+json} {@link Problem}. Property names and the OpenAPI version are
 * configuration ({@code application.properties}). It runs at startup rather than at build time
 * because it reads the records by reflection.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_STARTUP)
public final class ApiContractFilter implements OASFilter {

  private static final String API = "/api/v1/";
  private static final String PROBLEM_REF = "#/components/schemas/" + Problem.class.getSimpleName();
  private static final String SCHEMA_REF = "#/components/schemas/";

  /** The same translation as {@code quarkus.jackson.property-naming-strategy=SNAKE_CASE}. */
  private static final PropertyNamingStrategies.NamingBase WIRE_NAMES =
      new PropertyNamingStrategies.SnakeCaseStrategy();

  private static final Map<String, String> ERRORS =
      Map.of(
          "400", "The request is malformed or breaks a rule (`violations` lists each field)",
          "401", "No valid bearer token",
          "403", "The token lacks the role this operation needs",
          "404", "No such resource",
          "415", "Unsupported request media type",
          "500", "Unexpected failure (`error_id` is also in the server log)",
          "503", "Not ready: the database, the audit log or the signing key is unavailable");

  @Override
  public void filterOpenAPI(OpenAPI openApi) {
    Map<String, Schema> schemas =
        openApi.getComponents() == null ? null : openApi.getComponents().getSchemas();
    if (schemas != null) {
      Set<String> requests =
          reachable(operations(openApi).flatMap(ApiContractFilter::requestSchemas), schemas);
      Set<String> responses =
          reachable(operations(openApi).flatMap(ApiContractFilter::responseSchemas), schemas);
      Map<String, List<Class<?>>> records = records();
      schemas.forEach(
          (name, schema) -> {
            List<Class<?>> candidates = records.getOrDefault(name, List.of());
            // Two records of one simple name get suffixed schema names; which is which is not
            // knowable here.
            Class<?> record = candidates.size() == 1 ? candidates.getFirst() : null;
            if (record != null) {
              describe(
                  record, schema, requests.contains(name) && !responses.contains(name), schemas);
            }
          });
    }
    if (openApi.getPaths() != null) {
      openApi
          .getPaths()
          .getPathItems()
          .forEach(
              (path, item) -> {
                if (path.startsWith(API)) {
                  item.getOperations()
                      .values()
                      .forEach(operation -> declareProblems(path, operation));
                }
              });
    }
  }

  /**
   * Marks members required and nullable as Jackson writes and reads them. Every member of a
   * response is written (null included) unless the record omits nulls; a request member is required
   * unless it is {@code @Nullable} or a primitive whose absence (zero) is valid.
   */
  private static void describe(
      Class<?> record, Schema schema, boolean request, Map<String, Schema> schemas) {
    Map<String, Schema> properties = schema.getProperties();
    if (properties == null) {
      return;
    }
    boolean omitsNulls = omitsNulls(record);
    for (RecordComponent component : record.getRecordComponents()) {
      String name = wireName(component);
      Schema property = properties.get(name);
      if (property == null) {
        continue;
      }
      boolean nullable = annotated(component, Nullable.class);
      boolean required =
          request
              ? !nullable
                  && (!component.getType().isPrimitive() || annotated(component, Positive.class))
              : !nullable || !omitsNulls;
      if (required && (schema.getRequired() == null || !schema.getRequired().contains(name))) {
        schema.addRequired(name);
      }
      if (nullable && !omitsNulls) {
        schema.addProperty(name, nullable(property, schemas));
      }
    }
  }

  /**
   * The property's schema, admitting null. A reference to a simple type is inlined: 3.0 ignores
   * siblings of $ref.
   */
  private static Schema nullable(Schema property, Map<String, Schema> schemas) {
    Schema target = property;
    if (property.getRef() != null) {
      Schema referenced = schemas.get(property.getRef().substring(SCHEMA_REF.length()));
      if (referenced == null
          || referenced.getType() == null
          || referenced.getProperties() != null) {
        return property; // an any-value schema admits null already; an object stays as declared
      }
      target =
          OASFactory.createSchema()
              .type(new ArrayList<>(referenced.getType()))
              .format(referenced.getFormat())
              .pattern(referenced.getPattern())
              .description(property.getDescription());
    }
    if (target.getType() != null && !target.getType().contains(Schema.SchemaType.NULL)) {
      target.addType(Schema.SchemaType.NULL);
    }
    return target;
  }

  /**
   * Every error response carries a problem document; the statuses any operation can answer are
   * declared.
   */
  private static void declareProblems(String path, Operation operation) {
    APIResponses responses = operation.getResponses();
    if (responses == null) {
      responses = OASFactory.createAPIResponses();
      operation.setResponses(responses);
    }
    List<String> statuses = new ArrayList<>(List.of("500", "503"));
    boolean hasInput =
        operation.getRequestBody() != null
            || (operation.getParameters() != null && !operation.getParameters().isEmpty());
    if (hasInput) {
      statuses.add("400");
    }
    if (path.contains("{")) {
      statuses.add("404");
    }
    if (operation.getRequestBody() != null) {
      statuses.add("415");
    }
    if (operation.getSecurity() != null && !operation.getSecurity().isEmpty()) {
      statuses.addAll(List.of("401", "403"));
    }
    for (String status : statuses) {
      if (responses.getAPIResponse(status) == null) {
        responses.addAPIResponse(
            status, OASFactory.createAPIResponse().description(ERRORS.get(status)));
      }
    }
    responses
        .getAPIResponses()
        .forEach(
            (status, response) -> {
              if (status.startsWith("4") || status.startsWith("5")) {
                problemBody(response);
              }
            });
  }

  private static void problemBody(APIResponse response) {
    response.setContent(
        OASFactory.createContent()
            .addMediaType(
                Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF))));
  }

  /**
   * The records the API carries, by simple name: whatever the resources take and return,
   * transitively, and the problem document. Read by reflection once the beans exist: the build-time
   * index handed to filters does not list the application's classes.
   */
  private static Map<String, List<Class<?>>> records() {
    Set<Class<?>> found = new HashSet<>();
    Deque<java.lang.reflect.Type> pending = new ArrayDeque<>();
    pending.push(Problem.class);
    for (Bean<?> bean :
        CDI.current().getBeanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
      if (bean.getBeanClass().isAnnotationPresent(Path.class)) {
        for (Method method : bean.getBeanClass().getDeclaredMethods()) {
          pending.push(method.getGenericReturnType());
          Stream.of(method.getGenericParameterTypes()).forEach(pending::push);
        }
      }
    }
    while (!pending.isEmpty()) {
      java.lang.reflect.Type type = pending.pop();
      if (type instanceof ParameterizedType parameterized) {
        Stream.of(parameterized.getActualTypeArguments()).forEach(pending::push);
      } else if (type instanceof Class<?> c && c.isRecord() && found.add(c)) {
        Stream.of(c.getRecordComponents())
            .forEach(component -> pending.push(component.getGenericType()));
      }
    }
    return found.stream().collect(Collectors.groupingBy(Class::getSimpleName));
  }

  private static boolean omitsNulls(Class<?> record) {
    JsonInclude include = record.getAnnotation(JsonInclude.class);
    return include != null && include.value() != JsonInclude.Include.ALWAYS;
  }

  private static String wireName(RecordComponent component) {
    JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
    if (property != null && !property.value().isEmpty()) {
      return property.value();
    }
    return WIRE_NAMES.translate(component.getName());
  }

  private static boolean annotated(
      RecordComponent component, Class<? extends Annotation> annotation) {
    return component.getAnnotatedType().isAnnotationPresent(annotation)
        || component.isAnnotationPresent(annotation);
  }

  private static Stream<Operation> operations(OpenAPI openApi) {
    if (openApi.getPaths() == null || openApi.getPaths().getPathItems() == null) {
      return Stream.empty();
    }
    return openApi.getPaths().getPathItems().values().stream()
        .map(PathItem::getOperations)
        .filter(Objects::nonNull)
        .flatMap(ops -> ops.values().stream());
  }

  private static Stream<Schema> requestSchemas(Operation operation) {
    return operation.getRequestBody() == null
        ? Stream.empty()
        : schemas(operation.getRequestBody().getContent());
  }

  private static Stream<Schema> responseSchemas(Operation operation) {
    if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
      return Stream.empty();
    }
    return operation.getResponses().getAPIResponses().values().stream()
        .flatMap(r -> schemas(r.getContent()));
  }

  private static Stream<Schema> schemas(@Nullable Content content) {
    if (content == null || content.getMediaTypes() == null) {
      return Stream.empty();
    }
    return content.getMediaTypes().values().stream()
        .map(MediaType::getSchema)
        .filter(Objects::nonNull);
  }

  /** The names of the component schemas the roots use, directly or through other schemas. */
  private static Set<String> reachable(Stream<Schema> roots, Map<String, Schema> schemas) {
    Set<String> names = new HashSet<>();
    Deque<Schema> pending = new ArrayDeque<>(roots.toList());
    while (!pending.isEmpty()) {
      Schema schema = pending.pop();
      if (schema.getRef() != null) {
        String name = schema.getRef().substring(SCHEMA_REF.length());
        if (names.add(name) && schemas.containsKey(name)) {
          pending.push(schemas.get(name));
        }
        continue;
      }
      Stream.of(
              schema.getProperties() == null ? List.<Schema>of() : schema.getProperties().values(),
              nonNull(schema.getAllOf()),
              nonNull(schema.getOneOf()),
              nonNull(schema.getAnyOf()),
              schema.getItems() == null ? List.<Schema>of() : List.of(schema.getItems()),
              schema.getAdditionalPropertiesSchema() == null
                  ? List.<Schema>of()
                  : List.of(schema.getAdditionalPropertiesSchema()))
          .flatMap(Collection::stream)
          .forEach(pending::push);
    }
    return names;
  }

  private static Collection<Schema> nonNull(@Nullable List<Schema> schemas) {
    return schemas == null ? List.of() : schemas;
  }
}
