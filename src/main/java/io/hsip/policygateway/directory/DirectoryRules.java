package io.hsip.policygateway.directory;

import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.hsip.keys.PeerId;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The field rules of directory entries, the same as the tables' checks (V28) so that a client hears
 * every problem at once, by field, instead of the first constraint the database trips on.
 */
final class DirectoryRules {

  /** Group and service names: the policy schema's {@code name}. */
  static final String NAME = "^[a-z0-9][a-z0-9._-]{0,62}$";

  private static final Pattern NAME_PATTERN = Pattern.compile(NAME);
  private static final int MAX_DISPLAY_NAME = 200;
  private static final int MAX_DESCRIPTION = 500;
  private static final int MAX_SSO_SUBJECT = 255;
  private static final int MAX_KEY_FILE = 1024;
  private static final int MAX_GROUPS = 200;

  /** Where the entry sits in an import document, or nothing for an API call. */
  record Place(String prefix, @Nullable Integer line) {
    static final Place REQUEST = new Place("", null);
  }

  private final Place place;
  private final List<Problem.Violation> violations;

  private DirectoryRules(Place place, List<Problem.Violation> violations) {
    this.place = place;
    this.violations = violations;
  }

  /** Checks a member's fields, adding violations to {@code out}. */
  static void member(Member m, Place place, List<Problem.Violation> out) {
    DirectoryRules rules = new DirectoryRules(place, out);
    rules.peerId(m.peerId());
    rules.text("display_name", m.displayName(), MAX_DISPLAY_NAME, true);
    if (m.groups().size() > MAX_GROUPS) {
      rules.add("groups", "must list at most " + MAX_GROUPS + " groups");
    }
    for (String group : m.groups()) {
      rules.name("groups", group);
    }
    rules.optionalText("sso_subject", m.ssoSubject(), MAX_SSO_SUBJECT);
  }

  /** Checks a service's fields. */
  static void service(Service s, Place place, List<Problem.Violation> out) {
    DirectoryRules rules = new DirectoryRules(place, out);
    rules.name("name", s.name());
    rules.peerId(s.peerId());
    rules.optionalText("key_file", s.keyFile(), MAX_KEY_FILE);
    rules.optionalText("sso_subject", s.ssoSubject(), MAX_SSO_SUBJECT);
  }

  /** Checks a group's fields. */
  static void group(Group g, Place place, List<Problem.Violation> out) {
    DirectoryRules rules = new DirectoryRules(place, out);
    rules.name("name", g.name());
    rules.optionalText("description", g.description(), MAX_DESCRIPTION);
  }

  /** Throws the violations, if any. */
  static void refuseIfAny(List<Problem.Violation> violations) {
    if (!violations.isEmpty()) {
      throw new InvalidDirectoryEntryException(violations);
    }
  }

  /** A violation of {@code field} at {@code place}. */
  static Problem.Violation violation(Place place, String field, String message) {
    return new Problem.Violation(place.prefix() + field, message, null, place.line(), null, null);
  }

  private void add(String field, String message) {
    violations.add(violation(place, field, message));
  }

  private void peerId(@Nullable String value) {
    if (value == null || !PeerId.isWellFormed(value)) {
      add("peer_id", "must be a PeerID: 26 characters of A-Z and 2-7");
    }
  }

  private void name(String field, @Nullable String value) {
    if (value == null || !NAME_PATTERN.matcher(value).matches()) {
      add(
          field,
          "must be 1-63 lower-case letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit"
              + (value == null ? "" : " (got '" + abbreviate(value) + "')"));
    }
  }

  private void optionalText(String field, @Nullable String value, int max) {
    if (value != null) {
      text(field, value, max, false);
    }
  }

  private void text(String field, @Nullable String value, int max, boolean trimmed) {
    if (value == null || value.isEmpty()) {
      add(field, trimmed ? "is required" : "must not be empty (leave it out instead)");
    } else if (value.codePointCount(0, value.length()) > max) {
      add(field, "must be at most " + max + " characters");
    } else if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      add(field, "must not contain control characters");
    } else if (trimmed && !value.strip().equals(value)) {
      add(field, "must not start or end with spaces");
    } else if (!wellPaired(value)) {
      add(field, "must be valid Unicode text");
    }
  }

  private static boolean wellPaired(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String value) {
    String shown =
        value
            .codePoints()
            .limit(40)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    return shown.chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? "(unprintable)" : shown;
  }
}
