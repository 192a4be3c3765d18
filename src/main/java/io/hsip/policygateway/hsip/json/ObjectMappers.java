package io.hsip.policygateway.hsip.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The Jackson mappers of plain-Java code (the CLI, the offline verifier, entity columns, canonical
 * forms): built once here, never ad hoc. The REST layer uses the Quarkus-managed mapper, configured
 * by {@code quarkus.jackson.*}. The mappers are shared and thread-safe; callers must not
 * reconfigure them.
 */
public final class ObjectMappers {

  private static final ObjectMapper STANDARD = JsonMapper.builder().build();

  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .disable(JsonParser.Feature.ALLOW_COMMENTS)
          .build();

  private static final ObjectMapper RECORDS =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .build();

  private ObjectMappers() {}

  /** Jackson's defaults: for JSON this code wrote itself, or read leniently on purpose. */
  public static ObjectMapper standard() {
    return STANDARD;
  }

  /**
   * For JSON that must mean exactly one thing: duplicate member names and trailing data are errors,
   * and integers keep every digit.
   */
  public static ObjectMapper strict() {
    return STRICT;
  }

  /**
   * For file formats defined as records: members are the components in snake_case, nulls are
   * written, and reading refuses a member that is missing, null where a number is due, of another
   * type, or unknown.
   */
  public static ObjectMapper records() {
    return RECORDS;
  }
}
