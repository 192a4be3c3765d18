package io.hsip.policygateway.policy.compile;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The published JSON Schema of policy documents ({@code policies/schema/policy.schema.json},
 * packaged on the class path), applied to every document before anything else reads it.
 */
public final class PolicySchema {

  /** Class-path location of the schema (copied from {@code policies/schema/} by the build). */
  public static final String RESOURCE = "/policy-schema/policy.schema.json";

  /** Class-path location of the schema of policy test suites. */
  public static final String SUITE_RESOURCE = "/policy-schema/policy-suite.schema.json";

  private static final JsonSchema SCHEMA = load(RESOURCE);

  private static final SchemaMessages MESSAGES = new SchemaMessages(SCHEMA.getSchemaNode());

  private static final JsonSchema SUITE_SCHEMA = load(SUITE_RESOURCE);

  private static final SchemaMessages SUITE_MESSAGES =
      new SchemaMessages(SUITE_SCHEMA.getSchemaNode());

  private PolicySchema() {}

  /** The schema text, as published. */
  public static String text() {
    try (InputStream in = open(RESOURCE)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Checks {@code document}; one JSON pointer and plain-words message per violation, unordered. */
  static List<Violation> validate(JsonNode document) {
    return validate(SCHEMA, MESSAGES, document);
  }

  /**
   * Checks a policy test suite against its schema, which types every value as strictly as the
   * policy schema does (lists are lists, integers integers, durations durations).
   */
  public static List<Violation> validateSuite(JsonNode suite) {
    return validate(SUITE_SCHEMA, SUITE_MESSAGES, suite);
  }

  private static List<Violation> validate(
      JsonSchema schema, SchemaMessages messages, JsonNode document) {
    List<Violation> out = new ArrayList<>();
    for (ValidationMessage message : schema.validate(document)) {
      String pointer = message.getInstanceLocation().toString();
      String type = message.getType();
      if (message.getProperty() != null
          && ("additionalProperties".equals(type) || "unevaluatedProperties".equals(type))) {
        // Point at the unknown key itself, not at the object holding it.
        pointer = pointer + "/" + YamlTree.escape(message.getProperty());
      }
      String text = messages.describe(message, pointer);
      String property = message.getProperty();
      if (property != null && property.length() > 64) {
        // Keys can be as long as the document; a message repeats only enough of one to find it.
        text = text.replace(property, YamlTree.abbreviate(property));
      }
      out.add(new Violation(pointer, text));
    }
    return out;
  }

  /**
   * One schema violation.
   *
   * @param pointer where
   * @param message what
   */
  public record Violation(String pointer, String message) {}

  private static JsonSchema load(String resource) {
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .formatAssertionsEnabled(true)
            .locale(Locale.ROOT)
            .build();
    try (InputStream in = open(resource)) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream open(String resource) {
    InputStream in = PolicySchema.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("schema missing from the class path: " + resource);
    }
    return in;
  }
}
