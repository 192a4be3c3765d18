package io.hsip.policygateway.policy.compile;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns the schema validator's messages into sentences a policy author understands: the field is
 * named as written in the document and what it must be is said in words ("max_ttl must be a
 * duration such as 30m, 8h or 7d"), never as the regular expression or schema keyword behind the
 * check.
 */
final class SchemaMessages {

  /**
   * What a value of each reusable schema type looks like, keyed by its name under {@code $defs}.
   */
  private static final Map<String, String> PATTERNS =
      Map.of(
          "duration", "a duration such as 30m, 8h or 7d",
          "name",
              "a name of lowercase letters, digits, '.', '_' and '-' that starts with a letter or digit"
                  + " (at most 63 characters)",
          "peerId", "a PeerID: 26 characters from A-Z and 2-7",
          "clock", "a time of day such as 08:00 or 17:30 (HH:MM, 24-hour clock)",
          "purposeText", "a purpose without '|' or control characters");

  private static final Map<String, String> TYPES =
      Map.of(
          "object", "a mapping of fields",
          "array", "a list",
          "string", "text",
          "integer", "a whole number",
          "number", "a number",
          "boolean", "true or false",
          "null", "empty");

  private final JsonNode schema;

  SchemaMessages(JsonNode schema) {
    this.schema = schema;
  }

  /** The sentence for one violation; {@code pointer} is where the finding points. */
  String describe(ValidationMessage message, String pointer) {
    String keyword = message.getType();
    String field = field(pointer);
    Object[] args = message.getArguments() == null ? new Object[0] : message.getArguments();
    JsonNode rule = message.getSchemaNode();
    return switch (keyword) {
      case "additionalProperties", "unevaluatedProperties" ->
          "unknown field "
              + message.getProperty()
              + " in "
              + field(parent(pointer))
              + "; allowed fields are "
              + String.join(", ", allowedFields(message));
      case "required" -> field + " is missing the required field " + message.getProperty();
      case "type" ->
          field + " must be " + typeName(arg(args, 1)) + ", not " + typeName(arg(args, 0));
      case "enum" -> field + " must be " + choice(texts(rule));
      case "const" -> field + " must be " + rule.asText();
      case "pattern" -> field + " must be " + pattern(message);
      case "minLength" ->
          rule.asInt() == 1
              ? field + " must not be empty"
              : field + " must be at least " + rule.asInt() + " characters long";
      case "maxLength" -> field + " must be at most " + rule.asInt() + " characters long";
      case "minItems" ->
          rule.asInt() == 1
              ? field + " must list at least one entry"
              : field + " must list at least " + rule.asInt() + " entries";
      case "maxItems" ->
          field
              + " must list at most "
              + rule.asInt()
              + " entries"
              + (arg(args, 1) == null ? "" : "; it lists " + arg(args, 1));
      case "uniqueItems" -> field + " must not list the same entry twice";
      case "minimum" -> field + " must be at least " + rule.asText();
      case "maximum" -> field + " must be at most " + rule.asText();
      case "minProperties" -> field + " must set at least one of " + listed(allowedFields(message));
      default -> field + ": " + library(message);
    };
  }

  /**
   * The field a pointer names, as an author would: {@code max_ttl}, {@code requester.kind} inside a
   * rule (the finding names the rule), "an entry of time.days" for a list item, "the rule" and "the
   * document" for the objects themselves.
   */
  static String field(String pointer) {
    List<String> segments = new ArrayList<>(List.of(pointer.split("/", -1)));
    segments.removeFirst(); // the empty text before the leading '/'
    if (pointer.isEmpty()) {
      return "the document";
    }
    // Findings name the rule (or suite case) they are in, so fields are named within it.
    if (segments.size() >= 2
        && (segments.get(0).equals("rules") || segments.get(0).equals("cases"))
        && isIndex(segments.get(1))) {
      segments = segments.subList(2, segments.size());
      if (segments.isEmpty()) {
        return pointer.startsWith("/rules") ? "the rule" : "the case";
      }
    }
    if (isIndex(segments.getLast())) {
      List<String> list = segments.subList(0, segments.size() - 1);
      return list.isEmpty() ? "the document" : "an entry of " + dotted(list);
    }
    return dotted(segments);
  }

  private static String dotted(List<String> segments) {
    return String.join(
        ".", segments.stream().map(s -> s.replace("~1", "/").replace("~0", "~")).toList());
  }

  private static boolean isIndex(String segment) {
    return !segment.isEmpty() && segment.chars().allMatch(Character::isDigit);
  }

  private static String parent(String pointer) {
    int slash = pointer.lastIndexOf('/');
    return slash < 0 ? "" : pointer.substring(0, slash);
  }

  /**
   * The schema object that holds the failing keyword (e.g. {@code $defs/rule} for its {@code
   * required}).
   */
  private JsonNode owner(ValidationMessage message) {
    JsonNode node = schema;
    String[] path = message.getSchemaLocation().getFragment().toString().split("/");
    for (int i = 1; i < path.length - 1; i++) {
      node = node.path(path[i].replace("~1", "/").replace("~0", "~"));
    }
    return node;
  }

  private List<String> allowedFields(ValidationMessage message) {
    List<String> names = new ArrayList<>();
    owner(message).path("properties").fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String pattern(ValidationMessage message) {
    String[] path = message.getSchemaLocation().getFragment().toString().split("/");
    // A reusable type's pattern sits at /$defs/<type>/pattern.
    if (path.length == 4 && path[1].equals("$defs")) {
      String words = PATTERNS.get(path[2]);
      if (words != null) {
        return words;
      }
    }
    return "text matching " + message.getSchemaNode().asText();
  }

  private static String typeName(@Nullable String jsonType) {
    if (jsonType == null) {
      return "another type";
    }
    return TYPES.getOrDefault(jsonType, jsonType);
  }

  private static @Nullable String arg(Object[] args, int index) {
    return index < args.length && args[index] != null ? args[index].toString() : null;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  /** "a or b", "one of a, b or c". */
  private static String choice(List<String> options) {
    return options.size() > 2 ? "one of " + listed(options) : listed(options);
  }

  /** "a", "a or b", "a, b or c". */
  private static String listed(List<String> options) {
    if (options.size() == 1) {
      return options.getFirst();
    }
    return String.join(", ", options.subList(0, options.size() - 1)) + " or " + options.getLast();
  }

  /** The validator's own wording, for a keyword this schema does not use yet. */
  private static String library(ValidationMessage message) {
    String text = message.getMessage();
    String location = message.getInstanceLocation().toString();
    // The library prefixes the location; findings carry it separately.
    if (text.startsWith(location + ": ")) {
      return text.substring(location.length() + 2);
    }
    return location.isEmpty() && text.startsWith(": ") ? text.substring(2) : text;
  }
}
