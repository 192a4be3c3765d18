package io.hsip.policygateway.policy.compile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A rule-level comparison of two policy documents: rules are matched by id, so a reordered rule is
 * unchanged, and a changed rule lists each changed field with its before and after values.
 *
 * @param settings changes outside the rules (time zone, groups, services, max_ttl, description)
 * @param added rules only in the newer document
 * @param removed rules only in the older document
 * @param changed rules in both whose content differs
 * @param unchanged how many rules are the same in both
 */
public record PolicyDiff(
    List<FieldChange> settings,
    List<RuleChange> added,
    List<RuleChange> removed,
    List<RuleChange> changed,
    int unchanged) {

  /**
   * One changed value.
   *
   * @param pointer JSON pointer within the document (settings) or within the rule (rule fields)
   * @param before the old value, or null if absent
   * @param after the new value, or null if absent
   */
  public record FieldChange(String pointer, @Nullable JsonNode before, @Nullable JsonNode after) {}

  /**
   * One added, removed or changed rule.
   *
   * @param ruleId the rule
   * @param fields changed fields (for a changed rule), or the whole rule as one change
   */
  public record RuleChange(String ruleId, List<FieldChange> fields) {}

  /** Whether the documents mean the same. */
  public boolean isEmpty() {
    return settings.isEmpty() && added.isEmpty() && removed.isEmpty() && changed.isEmpty();
  }

  /** Compares two documents' data ({@link CompiledPolicy#tree()}). */
  public static PolicyDiff between(JsonNode older, JsonNode newer) {
    List<FieldChange> settings = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>();
    older.fieldNames().forEachRemaining(keys::add);
    newer.fieldNames().forEachRemaining(keys::add);
    keys.remove("rules");
    for (String key : keys) {
      fields("/" + YamlTree.escape(key), older.get(key), newer.get(key), settings);
    }
    Map<String, JsonNode> before = byId(older.path("rules"));
    Map<String, JsonNode> after = byId(newer.path("rules"));
    List<RuleChange> added = new ArrayList<>();
    List<RuleChange> removed = new ArrayList<>();
    List<RuleChange> changed = new ArrayList<>();
    int unchanged = 0;
    for (Map.Entry<String, JsonNode> rule : after.entrySet()) {
      JsonNode old = before.get(rule.getKey());
      if (old == null) {
        added.add(
            new RuleChange(rule.getKey(), List.of(new FieldChange("", null, rule.getValue()))));
      } else if (old.equals(rule.getValue())) {
        unchanged++;
      } else {
        List<FieldChange> changes = new ArrayList<>();
        fields("", old, rule.getValue(), changes);
        changed.add(new RuleChange(rule.getKey(), List.copyOf(changes)));
      }
    }
    for (Map.Entry<String, JsonNode> rule : before.entrySet()) {
      if (!after.containsKey(rule.getKey())) {
        removed.add(
            new RuleChange(rule.getKey(), List.of(new FieldChange("", rule.getValue(), null))));
      }
    }
    return new PolicyDiff(
        List.copyOf(settings),
        List.copyOf(added),
        List.copyOf(removed),
        List.copyOf(changed),
        unchanged);
  }

  /** Objects are compared key by key; anything else (lists included) as a whole value. */
  private static void fields(
      String pointer, @Nullable JsonNode before, @Nullable JsonNode after, List<FieldChange> out) {
    if (before != null && after != null && before.equals(after)) {
      return;
    }
    if (before != null && after != null && before.isObject() && after.isObject()) {
      TreeSet<String> keys = new TreeSet<>();
      before.fieldNames().forEachRemaining(keys::add);
      after.fieldNames().forEachRemaining(keys::add);
      for (String key : keys) {
        fields(pointer + "/" + YamlTree.escape(key), before.get(key), after.get(key), out);
      }
      return;
    }
    out.add(new FieldChange(pointer, before, after));
  }

  private static Map<String, JsonNode> byId(JsonNode rules) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    rules.forEach(rule -> out.put(rule.path("id").asText(), rule));
    return out;
  }
}
