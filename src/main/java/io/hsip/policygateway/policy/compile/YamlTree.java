package io.hsip.policygateway.policy.compile;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.CoreScalarResolver;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;

/**
 * Reads one YAML 1.2 document into a JSON tree, remembering where every value starts.
 *
 * <p>It consumes parser events one at a time and builds the tree itself, without recursion, so that
 * hostile input is refused early and cheaply: nesting deeper than the limit, more nodes than the
 * limit (aliases count with the full size of what they repeat, which defeats "billion laughs"),
 * more aliases than allowed, duplicate or non-string keys, custom tags and multi-document streams.
 *
 * <p>Positions are remembered per parent collection and key, never under a full path string: a path
 * string per value would cost the length of every ancestor key for every value (a 200,000-character
 * key over 60,000 values is 12 GB), so the byte and node limits would not bound memory. This way
 * the cost is one small entry per value, sharing the key strings the tree already holds.
 */
public final class YamlTree {

  /**
   * Resource limits of one read.
   *
   * @param maxCodePoints longest document
   * @param maxDepth deepest nesting of mappings and sequences
   * @param maxNodes most values, counting what aliases repeat
   * @param maxAliases most alias uses
   */
  public record Limits(int maxCodePoints, int maxDepth, int maxNodes, int maxAliases) {}

  /**
   * Where a value starts, 1-based, and how a scalar was written.
   *
   * @param line line number
   * @param column column number
   * @param style scalar style ({@code plain}, {@code '}, {@code "}, {@code |}, {@code >}), or empty
   *     for collections
   */
  public record Position(int line, int column, String style) {}

  /** A document that cannot be read, with where the problem is. */
  public static final class YamlTreeException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;

    YamlTreeException(String message, int line, int column) {
      super(message);
      this.line = line;
      this.column = column;
    }

    /** 1-based line, or 0 when unknown. */
    public int line() {
      return line;
    }

    /** 1-based column, or 0 when unknown. */
    public int column() {
      return column;
    }
  }

  private static final ScalarResolver RESOLVER =
      new CoreScalarResolver(false); // false: no "<<" merge keys
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final JsonNode root;
  private final Map<Slot, Placed> positions;

  private YamlTree(JsonNode root, Map<Slot, Placed> positions) {
    this.root = root;
    this.positions = positions;
  }

  /** The document as a JSON tree. */
  public JsonNode root() {
    return root;
  }

  /** Where the value at a JSON pointer starts, or where its nearest written ancestor does. */
  public Position positionOf(String pointer) {
    Placed at = positions.get(new Slot(NO_PARENT, ""));
    if (at == null) {
      return new Position(1, 1, "");
    }
    int from = 1; // skips the leading "/"
    while (from <= pointer.length() && at.collection() != NO_PARENT) {
      int end = pointer.indexOf('/', from);
      if (end < 0) {
        end = pointer.length();
      }
      Placed child =
          positions.get(new Slot(at.collection(), unescape(pointer.substring(from, end))));
      if (child == null) {
        break;
      }
      at = child;
      from = end + 1;
    }
    return at.position();
  }

  private static final int NO_PARENT = 0;

  /** Longest integer or float literal: any 64-bit integer, with room for a sign and a base. */
  static final int MAX_NUMBER_CHARS = 40;

  /** A value's place: the collection holding it (numbered from 1, root: 0) and its key or index. */
  private record Slot(int parent, String segment) {}

  /**
   * Where a value starts, and its number if it is a collection ({@link #NO_PARENT} for scalars).
   */
  private record Placed(Position position, int collection) {}

  private static final class Frame {
    final JsonNode node;
    final int id;
    final int depth;
    final int nodesAtStart;
    final @Nullable String anchor;
    @Nullable String pendingKey;
    int index;

    Frame(JsonNode node, int id, int depth, int nodesAtStart, @Nullable String anchor) {
      this.node = node;
      this.id = id;
      this.depth = depth;
      this.nodesAtStart = nodesAtStart;
      this.anchor = anchor;
    }
  }

  private record Anchored(JsonNode node, int size) {}

  /**
   * Reads {@code source}.
   *
   * @throws YamlTreeException when it is not exactly one well-formed document within the limits
   */
  public static YamlTree read(String source, Limits limits) throws YamlTreeException {
    LoadSettings settings =
        LoadSettings.builder()
            .setCodePointLimit(limits.maxCodePoints())
            .setMaxAliasesForCollections(limits.maxAliases())
            .setAllowDuplicateKeys(false)
            .setAllowRecursiveKeys(false)
            .setUseMarks(true)
            .build();
    try {
      return new Builder(limits).build(new Parse(settings).parseString(source).iterator());
    } catch (MarkedYamlEngineException e) {
      Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
      String problem = e.getProblem() == null ? "malformed YAML" : e.getProblem();
      throw new YamlTreeException(
          "invalid YAML: " + problem,
          mark == null ? 0 : mark.getLine() + 1,
          mark == null ? 0 : mark.getColumn() + 1);
    } catch (YamlEngineException e) {
      throw new YamlTreeException("invalid YAML: " + e.getMessage(), 0, 0);
    }
  }

  /**
   * Reads a JSON document (such as the canonical form of a published version) within the same
   * limits, many times faster than the YAML reader: values keep no positions (every finding points
   * at line 1, column 1), which only stored documents can do without.
   *
   * @throws YamlTreeException when it is not one well-formed JSON object within the limits
   */
  public static YamlTree readJson(String source, Limits limits) throws YamlTreeException {
    if (source.length() > limits.maxCodePoints()) {
      throw new YamlTreeException(
          "the document is longer than " + limits.maxCodePoints() + " characters", 0, 0);
    }
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxDepth())
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    JsonNode root;
    try {
      root =
          new ObjectMapper(factory)
              .enable(DeserializationFeature.USE_LONG_FOR_INTS)
              .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .readTree(source);
    } catch (StreamConstraintsException e) {
      // A limit, not a syntax error: worded as the YAML reader words it.
      throw new YamlTreeException(
          e.getOriginalMessage().contains("nesting depth")
              ? "the document nests deeper than " + limits.maxDepth() + " levels"
              : "the document exceeds a limit: " + e.getOriginalMessage(),
          0,
          0);
    } catch (JsonProcessingException e) {
      throw new YamlTreeException(
          "invalid JSON: " + e.getOriginalMessage(),
          e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
          e.getLocation() == null ? 0 : e.getLocation().getColumnNr());
    }
    if (root == null || !root.isObject()) {
      throw new YamlTreeException("the document is not a JSON object", 1, 1);
    }
    int nodes = 0;
    Deque<JsonNode> pending = new ArrayDeque<>();
    pending.push(root);
    while (!pending.isEmpty()) {
      JsonNode node = pending.pop();
      if (++nodes > limits.maxNodes()) {
        throw new YamlTreeException(
            "the document has more than " + limits.maxNodes() + " values", 0, 0);
      }
      if (node.isBigInteger()) {
        throw new YamlTreeException("integer " + node.asText() + " is out of range", 0, 0);
      }
      node.elements().forEachRemaining(pending::push);
    }
    return new YamlTree(root, Map.of());
  }

  private static final class Builder {
    private final Limits limits;
    private final Deque<Frame> stack = new ArrayDeque<>();
    private final Map<String, Anchored> anchors = new HashMap<>();
    private final Map<Slot, Placed> positions = new HashMap<>();
    private int collections;
    private @Nullable JsonNode root;
    private int nodes;
    private int aliases;
    private int documents;

    Builder(Limits limits) {
      this.limits = limits;
    }

    YamlTree build(Iterator<Event> events) throws YamlTreeException {
      while (events.hasNext()) {
        Event event = events.next();
        switch (event.getEventId()) {
          case DocumentStart -> {
            documents++;
            if (documents > 1) {
              throw error("a policy file holds exactly one YAML document", event);
            }
          }
          case MappingStart, SequenceStart -> start((CollectionStartEvent) event);
          case MappingEnd, SequenceEnd -> end();
          case Scalar -> scalar((ScalarEvent) event);
          case Alias -> alias((AliasEvent) event);
          default -> {
            // Stream and document boundaries and comments carry no data.
          }
        }
      }
      if (root == null) {
        throw new YamlTreeException("the document is empty", 1, 1);
      }
      return new YamlTree(root, positions);
    }

    private void start(CollectionStartEvent event) throws YamlTreeException {
      if (awaitingKey()) {
        // "? [a, b] : x" or "? {a: 1} : y": JSON objects have string keys only.
        throw error(
            "invalid YAML: mapping keys must be strings, not "
                + (event.getEventId() == Event.ID.MappingStart ? "mappings" : "sequences"),
            event);
      }
      checkTag(
          event.getTag(), event, event.getEventId() == Event.ID.MappingStart ? Tag.MAP : Tag.SEQ);
      int depth = stack.isEmpty() ? 1 : stack.peek().depth + 1;
      if (depth > limits.maxDepth()) {
        throw error("the document nests deeper than " + limits.maxDepth() + " levels", event);
      }
      JsonNode node =
          event.getEventId() == Event.ID.MappingStart ? NODES.objectNode() : NODES.arrayNode();
      int id = ++collections;
      place(node, event, "", id);
      stack.push(new Frame(node, id, depth, nodes, anchorOf(event)));
    }

    private void end() {
      Frame done = stack.pop();
      if (done.anchor != null) {
        anchors.put(done.anchor, new Anchored(done.node, nodes - done.nodesAtStart));
      }
    }

    private void scalar(ScalarEvent event) throws YamlTreeException {
      Frame parent = stack.peek();
      if (parent != null && awaitingKey()) {
        boolean isNull =
            event.getTag().isPresent()
                ? event.getTag().get().equals(Tag.NULL.getValue())
                : event.getImplicit().canOmitTagInPlainScalar()
                    && RESOLVER.resolve(event.getValue(), true).equals(Tag.NULL);
        if (isNull) {
          // "~: x", "null: x" and "? : x" have a null key, which JSON objects cannot hold.
          throw error("invalid YAML: mapping keys must be strings, not null", event);
        }
        if (event.getTag().isPresent() && !event.getTag().get().equals(Tag.STR.getValue())) {
          throw error("mapping keys must be strings", event);
        }
        String key = event.getValue();
        if (parent.node.has(key)) {
          throw error("duplicate key \"" + abbreviate(key) + "\"", event);
        }
        if (event.getAnchor().isPresent()) {
          throw error("anchors on mapping keys are not supported", event);
        }
        parent.pendingKey = key;
        return;
      }
      JsonNode node = scalarNode(event);
      place(node, event, style(event.getScalarStyle()), NO_PARENT);
      String anchor = anchorOf(event);
      if (anchor != null) {
        anchors.put(anchor, new Anchored(node, 1));
      }
    }

    private boolean awaitingKey() {
      Frame parent = stack.peek();
      return parent != null && parent.node.isObject() && parent.pendingKey == null;
    }

    private void alias(AliasEvent event) throws YamlTreeException {
      if (awaitingKey()) {
        throw error("aliases cannot be mapping keys", event);
      }
      aliases++;
      if (aliases > limits.maxAliases()) {
        throw error("the document uses more than " + limits.maxAliases() + " aliases", event);
      }
      String name = event.getAlias().getValue();
      Anchored target = anchors.get(name);
      if (target == null) {
        throw error("alias *" + name + " refers to no complete anchored value", event);
      }
      // The tree may share the node: it is never modified after reading. Count what it repeats.
      nodes += target.size() - 1;
      // Values inside the repeated node keep no positions here; lookups stop at the alias.
      place(target.node(), event, "", NO_PARENT);
    }

    private void place(JsonNode node, Event event, String style, int collection)
        throws YamlTreeException {
      nodes++;
      if (nodes > limits.maxNodes()) {
        throw error(
            "the document has more than " + limits.maxNodes() + " values (aliases count in full)",
            event);
      }
      Frame parent = stack.peek();
      Slot slot;
      if (parent == null) {
        if (root != null) {
          throw error("a policy file holds exactly one YAML document", event);
        }
        root = node;
        slot = new Slot(NO_PARENT, "");
      } else if (parent.node.isObject()) {
        String key = parent.pendingKey;
        parent.pendingKey = null;
        ((ObjectNode) parent.node).set(key, node);
        slot = new Slot(parent.id, key);
      } else {
        ((ArrayNode) parent.node).add(node);
        slot = new Slot(parent.id, Integer.toString(parent.index++));
      }
      Mark mark = event.getStartMark().orElse(null);
      Position position =
          mark == null
              ? new Position(0, 0, style)
              : new Position(mark.getLine() + 1, mark.getColumn() + 1, style);
      positions.put(slot, new Placed(position, collection));
    }

    private JsonNode scalarNode(ScalarEvent event) throws YamlTreeException {
      String value = event.getValue();
      Optional<String> tag = event.getTag();
      Tag resolved;
      if (tag.isPresent()) {
        checkTag(tag, event, null);
        resolved = new Tag(tag.get());
      } else if (event.getImplicit().canOmitTagInPlainScalar()) {
        resolved = RESOLVER.resolve(value, true);
      } else {
        resolved = Tag.STR;
      }
      if (resolved.equals(Tag.NULL)) {
        return NODES.nullNode();
      }
      if (resolved.equals(Tag.BOOL)) {
        return NODES.booleanNode(value.equalsIgnoreCase("true"));
      }
      if ((resolved.equals(Tag.INT) || resolved.equals(Tag.FLOAT))
          && value.length() > MAX_NUMBER_CHARS) {
        // BigInteger and Double parsing of a 500,000-digit literal costs seconds of CPU; no value
        // a policy needs is that long, so refuse it before parsing.
        throw error(
            "a number of "
                + value.length()
                + " characters is too long; numbers have at most "
                + MAX_NUMBER_CHARS,
            event);
      }
      if (resolved.equals(Tag.INT)) {
        return integer(value, event);
      }
      if (resolved.equals(Tag.FLOAT)) {
        try {
          return NODES.numberNode(Double.parseDouble(value));
        } catch (NumberFormatException e) {
          // .inf and .nan have no JSON form; leave them as text for the schema to refuse.
          return NODES.textNode(value);
        }
      }
      return NODES.textNode(value);
    }

    private JsonNode integer(String value, Event event) throws YamlTreeException {
      String digits = value.startsWith("+") ? value.substring(1) : value;
      try {
        BigInteger number;
        if (digits.startsWith("0x")) {
          number = new BigInteger(digits.substring(2), 16);
        } else if (digits.startsWith("0o")) {
          number = new BigInteger(digits.substring(2), 8);
        } else {
          number = new BigInteger(digits);
        }
        if (number.bitLength() > 63) {
          throw error("integer " + value + " is out of range", event);
        }
        return NODES.numberNode(number.longValue());
      } catch (NumberFormatException e) {
        return NODES.textNode(value);
      }
    }

    private void checkTag(Optional<String> tag, Event event, @Nullable Tag expected)
        throws YamlTreeException {
      if (tag.isEmpty()) {
        return;
      }
      String t = tag.get();
      boolean standard =
          t.equals(Tag.STR.getValue())
              || t.equals(Tag.INT.getValue())
              || t.equals(Tag.BOOL.getValue())
              || t.equals(Tag.NULL.getValue())
              || t.equals(Tag.FLOAT.getValue());
      if (expected != null ? !t.equals(expected.getValue()) : !standard) {
        throw error("YAML tag " + t + " is not allowed in policy documents", event);
      }
    }

    private static @Nullable String anchorOf(NodeEvent event) {
      return event.getAnchor().map(Anchor::getValue).orElse(null);
    }

    private static String style(ScalarStyle style) {
      return switch (style) {
        case PLAIN -> "plain";
        case SINGLE_QUOTED -> "'";
        case DOUBLE_QUOTED -> "\"";
        case LITERAL -> "|";
        case FOLDED -> ">";
        default -> "plain";
      };
    }

    private static YamlTreeException error(String message, Event event) {
      Mark mark = event.getStartMark().orElse(null);
      return new YamlTreeException(
          message, mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1);
    }
  }

  /** {@code text} for a message: itself when short, else its first 48 characters and its length. */
  public static String abbreviate(String text) {
    if (text.length() <= 64) {
      return text;
    }
    int cut = Character.isHighSurrogate(text.charAt(47)) ? 47 : 48;
    return text.substring(0, cut) + "…(" + text.length() + " characters)";
  }

  private static String unescape(String segment) {
    return segment.indexOf('~') < 0 ? segment : segment.replace("~1", "/").replace("~0", "~");
  }

  /** Escapes one JSON pointer segment (RFC 6901). */
  public static String escape(String segment) {
    return segment.replace("~", "~0").replace("/", "~1");
  }
}
