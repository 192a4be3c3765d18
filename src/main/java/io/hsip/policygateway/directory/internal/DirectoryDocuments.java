package io.hsip.policygateway.directory.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.directory.Group;
import io.hsip.policygateway.directory.Member;
import io.hsip.policygateway.directory.Service;
import io.hsip.policygateway.policy.compile.YamlTree;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The directory's import and export documents, YAML and CSV, and where each entry sits in them.
 * Reading reports only what is wrong with the document's shape (unknown members, wrong types,
 * broken quoting), by line; the entries' field rules are the admin's, applied to what is read.
 *
 * <p>YAML: a mapping with the lists {@code groups}, {@code members} and {@code services}, each
 * entry a mapping of the API's field names. CSV: a header line {@value #CSV_HEADER}, then one entry
 * per line; {@code kind} is {@code group}, {@code member} or {@code service}, a member's groups are
 * separated by {@code ;}, empty cells are absent fields. A cell that a spreadsheet would run as a
 * formula (starting with {@code = + - @}) or that starts with {@code '} is written with a leading
 * {@code '}, which reading takes off again, so an export imports back unchanged.
 */
public final class DirectoryDocuments {

  /** The CSV header, in column order. */
  public static final String CSV_HEADER =
      "kind,name,peer_id,display_name,groups,description,key_file,sso_subject";

  private static final List<String> COLUMNS = List.of(CSV_HEADER.split(","));
  private static final Set<String> GROUP_FIELDS = Set.of("name", "description");
  private static final Set<String> MEMBER_FIELDS =
      Set.of("peer_id", "display_name", "groups", "sso_subject");
  private static final Set<String> SERVICE_FIELDS =
      Set.of("name", "peer_id", "key_file", "sso_subject");

  private DirectoryDocuments() {}

  /**
   * An entry read from a document.
   *
   * @param entry the entry (fields the document left out are null)
   * @param line its 1-based line
   * @param field the prefix of its fields in violations ({@code /members/3/} in YAML, empty in CSV,
   *     where the line says it)
   * @param <T> member, service or group
   */
  public record Placed<T>(T entry, int line, String field) {}

  /**
   * What a document holds.
   *
   * @param groups its groups, in document order
   * @param members its members
   * @param services its services
   * @param violations what is wrong with its shape (nothing may be imported if any)
   */
  public record Contents(
      List<Placed<Group>> groups,
      List<Placed<Member>> members,
      List<Placed<Service>> services,
      List<Problem.Violation> violations) {

    /** How many entries it holds. */
    public int size() {
      return groups.size() + members.size() + services.size();
    }
  }

  // --- YAML ----------------------------------------------------------------------------------

  /** Reads a YAML document of at most {@code maxEntries} entries. */
  public static Contents readYaml(String text, int maxEntries) {
    Reader reader = new Reader();
    YamlTree tree;
    try {
      tree = YamlTree.read(text, new YamlTree.Limits(text.length() + 1, 8, maxEntries * 8 + 16, 0));
    } catch (YamlTree.YamlTreeException e) {
      reader.fail("/", e.getMessage(), e.line());
      return reader.contents();
    }
    JsonNode root = tree.root();
    if (root.isNull() || root.isMissingNode()) {
      return reader.contents();
    }
    if (!root.isObject()) {
      reader.fail("/", "must be a mapping with groups, members and services", 1);
      return reader.contents();
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> list = it.next();
      String pointer = "/" + list.getKey();
      int line = tree.positionOf(pointer).line();
      if (!Set.of("groups", "members", "services").contains(list.getKey())) {
        reader.fail(pointer, "is not a directory list (groups, members, services)", line);
        continue;
      }
      if (list.getValue().isNull()) {
        continue;
      }
      if (!list.getValue().isArray()) {
        reader.fail(pointer, "must be a list", line);
        continue;
      }
      for (int i = 0; i < list.getValue().size(); i++) {
        String at = pointer + "/" + i;
        reader.yamlEntry(list.getKey(), list.getValue().get(i), at, tree.positionOf(at).line());
      }
    }
    return reader.contents();
  }

  /** Writes the directory as YAML, in the order given. */
  public static String writeYaml(List<Group> groups, List<Member> members, List<Service> services) {
    StringBuilder out = new StringBuilder("# HSIP member directory\n");
    out.append("groups:").append(groups.isEmpty() ? " []\n" : "\n");
    for (Group g : groups) {
      out.append("  - name: ").append(quoted(g.name())).append('\n');
      optional(out, "description", g.description());
    }
    out.append("members:").append(members.isEmpty() ? " []\n" : "\n");
    for (Member m : members) {
      out.append("  - peer_id: ").append(quoted(m.peerId())).append('\n');
      out.append("    display_name: ").append(quoted(m.displayName())).append('\n');
      out.append("    groups: [");
      out.append(String.join(", ", m.groups().stream().map(DirectoryDocuments::quoted).toList()));
      out.append("]\n");
      optional(out, "sso_subject", m.ssoSubject());
    }
    out.append("services:").append(services.isEmpty() ? " []\n" : "\n");
    for (Service s : services) {
      out.append("  - name: ").append(quoted(s.name())).append('\n');
      out.append("    peer_id: ").append(quoted(s.peerId())).append('\n');
      optional(out, "key_file", s.keyFile());
      optional(out, "sso_subject", s.ssoSubject());
    }
    return out.toString();
  }

  private static void optional(StringBuilder out, String field, @Nullable String value) {
    if (value != null) {
      out.append("    ").append(field).append(": ").append(quoted(value)).append('\n');
    }
  }

  /** A YAML double-quoted scalar: always a string, whatever it looks like. */
  private static String quoted(String value) {
    StringBuilder out = new StringBuilder("\"");
    value
        .codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                  if (c < 0x20 || c == 0x7f) {
                    out.append(String.format(java.util.Locale.ROOT, "\\x%02x", c));
                  } else {
                    out.appendCodePoint(c);
                  }
                }
              }
            });
    return out.append('"').toString();
  }

  // --- CSV -----------------------------------------------------------------------------------

  /** Reads a CSV document of at most {@code maxEntries} entries. */
  public static Contents readCsv(String text, int maxEntries) {
    Reader reader = new Reader();
    List<CsvRecord> records;
    try {
      records = CsvRecord.parse(text);
    } catch (CsvRecord.CsvException e) {
      reader.fail("", e.getMessage(), e.line);
      return reader.contents();
    }
    if (records.isEmpty()) {
      return reader.contents();
    }
    CsvRecord header = records.getFirst();
    if (!header.cells().equals(COLUMNS)) {
      reader.fail("", "the first line must be the header " + CSV_HEADER, header.line());
      return reader.contents();
    }
    if (records.size() - 1 > maxEntries) {
      reader.fail("", "more than " + maxEntries + " entries", records.get(maxEntries + 1).line());
      return reader.contents();
    }
    for (CsvRecord record : records.subList(1, records.size())) {
      reader.csvEntry(record);
    }
    return reader.contents();
  }

  /** Writes the directory as CSV (groups, then members, then services), with the header. */
  public static String writeCsv(List<Group> groups, List<Member> members, List<Service> services) {
    StringBuilder out = new StringBuilder(CSV_HEADER).append("\r\n");
    for (Group g : groups) {
      row(out, "group", g.name(), null, null, null, g.description(), null, null);
    }
    for (Member m : members) {
      row(
          out,
          "member",
          null,
          m.peerId(),
          m.displayName(),
          String.join(";", m.groups()),
          null,
          null,
          m.ssoSubject());
    }
    for (Service s : services) {
      row(out, "service", s.name(), s.peerId(), null, null, null, s.keyFile(), s.ssoSubject());
    }
    return out.toString();
  }

  private static void row(StringBuilder out, @Nullable String... cells) {
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(cells[i] == null ? "" : CsvRecord.cell(cells[i]));
    }
    out.append("\r\n");
  }

  // --- Reading entries -----------------------------------------------------------------------

  /** Collects entries and shape violations. */
  private static final class Reader {
    private final List<Placed<Group>> groups = new ArrayList<>();
    private final List<Placed<Member>> members = new ArrayList<>();
    private final List<Placed<Service>> services = new ArrayList<>();
    private final List<Problem.Violation> violations = new ArrayList<>();

    Contents contents() {
      return new Contents(groups, members, services, violations);
    }

    void fail(String field, String message, int line) {
      violations.add(
          new Problem.Violation(
              field.isEmpty() ? "/" : field, message, null, line > 0 ? line : null, null, null));
    }

    void yamlEntry(String list, JsonNode node, String pointer, int line) {
      if (!node.isObject()) {
        fail(pointer, "must be a mapping of fields", line);
        return;
      }
      Set<String> allowed =
          switch (list) {
            case "groups" -> GROUP_FIELDS;
            case "members" -> MEMBER_FIELDS;
            default -> SERVICE_FIELDS;
          };
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!allowed.contains(name)) {
          fail(
              pointer + "/" + name,
              "is not a field of " + list + " (" + sorted(allowed) + ")",
              line);
        }
      }
      String prefix = pointer + "/";
      switch (list) {
        case "groups" ->
            groups.add(
                new Placed<>(
                    new Group(
                        text(node, "name", prefix, line), text(node, "description", prefix, line)),
                    line,
                    prefix));
        case "members" ->
            members.add(
                new Placed<>(
                    member(
                        text(node, "peer_id", prefix, line),
                        text(node, "display_name", prefix, line),
                        yamlGroups(node.get("groups"), prefix, line),
                        text(node, "sso_subject", prefix, line)),
                    line,
                    prefix));
        default ->
            services.add(
                new Placed<>(
                    new Service(
                        orEmpty(text(node, "name", prefix, line)),
                        orEmpty(text(node, "peer_id", prefix, line)),
                        text(node, "key_file", prefix, line),
                        text(node, "sso_subject", prefix, line)),
                    line,
                    prefix));
      }
    }

    private @Nullable String text(JsonNode node, String field, String prefix, int line) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return null;
      }
      if (!value.isValueNode()) {
        fail(prefix + field, "must be a single value", line);
        return null;
      }
      return value.asText();
    }

    private Set<String> yamlGroups(@Nullable JsonNode value, String prefix, int line) {
      Set<String> out = new LinkedHashSet<>();
      if (value == null || value.isNull()) {
        return out;
      }
      if (!value.isArray()) {
        fail(prefix + "groups", "must be a list of group names", line);
        return out;
      }
      for (JsonNode group : value) {
        if (!group.isValueNode() || group.isNull()) {
          fail(prefix + "groups", "must be a list of group names", line);
        } else if (!out.add(group.asText())) {
          fail(prefix + "groups", "names group " + group.asText() + " twice", line);
        }
      }
      return out;
    }

    void csvEntry(CsvRecord record) {
      int line = record.line();
      if (record.cells().size() != COLUMNS.size()) {
        fail(
            "",
            "has " + record.cells().size() + " cells; every line needs " + COLUMNS.size(),
            line);
        return;
      }
      String kind = record.cells().get(0);
      List<String> notFor =
          switch (kind) {
            case "group" -> List.of("peer_id", "display_name", "groups", "key_file", "sso_subject");
            case "member" -> List.of("name", "description", "key_file");
            case "service" -> List.of("display_name", "groups", "description");
            default -> {
              fail("kind", "must be group, member or service", line);
              yield List.of();
            }
          };
      for (String column : notFor) {
        if (cell(record, column) != null) {
          fail(column, "is not a field of a " + kind, line);
        }
      }
      switch (kind) {
        case "group" ->
            groups.add(
                new Placed<>(
                    new Group(orEmpty(cell(record, "name")), cell(record, "description")),
                    line,
                    ""));
        case "member" -> {
          Set<String> memberGroups = new LinkedHashSet<>();
          String list = cell(record, "groups");
          if (list != null) {
            for (String group : list.split(";", -1)) {
              if (!memberGroups.add(group.strip())) {
                fail("groups", "names group " + group.strip() + " twice", line);
              }
            }
          }
          members.add(
              new Placed<>(
                  member(
                      cell(record, "peer_id"),
                      cell(record, "display_name"),
                      memberGroups,
                      cell(record, "sso_subject")),
                  line,
                  ""));
        }
        case "service" ->
            services.add(
                new Placed<>(
                    new Service(
                        orEmpty(cell(record, "name")),
                        orEmpty(cell(record, "peer_id")),
                        cell(record, "key_file"),
                        cell(record, "sso_subject")),
                    line,
                    ""));
        default -> {
          // reported above
        }
      }
    }

    private static @Nullable String cell(CsvRecord record, String column) {
      String value = record.cells().get(COLUMNS.indexOf(column));
      return value.isEmpty() ? null : CsvRecord.uncell(value);
    }
  }

  /** A member as read; absent required fields stay empty so the admin's rules name them. */
  private static Member member(
      @Nullable String peerId,
      @Nullable String displayName,
      Set<String> groups,
      @Nullable String ssoSubject) {
    return new Member(orEmpty(peerId), orEmpty(displayName), groups, ssoSubject);
  }

  private static String orEmpty(@Nullable String value) {
    return value == null ? "" : value;
  }

  private static String sorted(Set<String> names) {
    return String.join(", ", names.stream().sorted().toList());
  }
}
