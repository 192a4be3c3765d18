package io.hsip.policygateway.hsip.json;

import java.util.List;

/**
 * Writes JSON byte-for-byte as Rust's {@code serde_json::to_string} (compact) and {@code
 * to_string_pretty} (two-space indent, {@code ": "}) do, with fields in the order they are added.
 *
 * <p>Strings escape only {@code "}, {@code \}, and control characters ({@code \b \f \n \r \t},
 * others as lowercase {@code \\u00xx} escapes); {@code /} and non-ASCII are written as-is. This
 * matters wherever the JSON bytes themselves are signed (capability tokens, reputation lines, JWT
 * parts).
 *
 * <p>Usage: {@code SerdeJsonWriter.compact().beginObject().field("a", 1).endObject().toString()}.
 */
public final class SerdeJsonWriter {

  private final StringBuilder out = new StringBuilder(256);
  private final boolean pretty;
  private int depth;

  /** Whether the container currently open at each depth already holds an element. */
  private boolean[] hasElement = new boolean[8];

  private SerdeJsonWriter(boolean pretty) {
    this.pretty = pretty;
  }

  /** A writer producing {@code serde_json::to_string} output. */
  public static SerdeJsonWriter compact() {
    return new SerdeJsonWriter(false);
  }

  /** A writer producing {@code serde_json::to_string_pretty} output. */
  public static SerdeJsonWriter pretty() {
    return new SerdeJsonWriter(true);
  }

  /** Opens an object as a value (top level or array element). */
  public SerdeJsonWriter beginObject() {
    beforeValue();
    return open('{');
  }

  /** Opens an object as the value of field {@code name}. */
  public SerdeJsonWriter beginObject(String name) {
    key(name);
    return open('{');
  }

  /** Closes the innermost object. */
  public SerdeJsonWriter endObject() {
    return close('}');
  }

  /** Opens an array as the value of field {@code name}. */
  public SerdeJsonWriter beginArray(String name) {
    key(name);
    return open('[');
  }

  /** Closes the innermost array. */
  public SerdeJsonWriter endArray() {
    return close(']');
  }

  /** Writes a string field. */
  public SerdeJsonWriter field(String name, String value) {
    key(name);
    writeString(value);
    return this;
  }

  /** Writes an integer field. */
  public SerdeJsonWriter field(String name, long value) {
    key(name);
    out.append(value);
    return this;
  }

  /** Writes a boolean field. */
  public SerdeJsonWriter field(String name, boolean value) {
    key(name);
    out.append(value);
    return this;
  }

  /** Writes a string field, or {@code null} when the value is absent. */
  public SerdeJsonWriter nullableField(
      String name, @org.jspecify.annotations.Nullable String value) {
    key(name);
    if (value == null) {
      out.append("null");
    } else {
      writeString(value);
    }
    return this;
  }

  /** Writes an array of strings. */
  public SerdeJsonWriter stringArray(String name, List<String> values) {
    beginArray(name);
    for (String value : values) {
      value(value);
    }
    return endArray();
  }

  /** Writes a string as an array element. */
  public SerdeJsonWriter value(String value) {
    beforeValue();
    writeString(value);
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  private SerdeJsonWriter open(char bracket) {
    out.append(bracket);
    depth++;
    if (depth >= hasElement.length) {
      hasElement = java.util.Arrays.copyOf(hasElement, depth * 2);
    }
    hasElement[depth] = false;
    return this;
  }

  private SerdeJsonWriter close(char bracket) {
    boolean nonEmpty = hasElement[depth];
    depth--;
    if (pretty && nonEmpty) {
      newline();
    }
    out.append(bracket);
    return this;
  }

  private void key(String name) {
    beforeValue();
    writeString(name);
    out.append(pretty ? ": " : ":");
  }

  private void beforeValue() {
    if (depth == 0) {
      return;
    }
    if (hasElement[depth]) {
      out.append(',');
    }
    hasElement[depth] = true;
    if (pretty) {
      newline();
    }
  }

  private void newline() {
    out.append('\n');
    for (int i = 0; i < depth; i++) {
      out.append("  ");
    }
  }

  private void writeString(String value) {
    JsonStrings.appendQuoted(out, value, JsonStrings.LoneSurrogates.KEEP);
  }
}
