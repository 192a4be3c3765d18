package io.hsip.policygateway.directory.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One record of an RFC 4180 CSV document and the line it starts on. Quoted cells may hold commas,
 * doubled quotes and line breaks; a record's line is where it starts.
 *
 * @param cells its cells, as written (quotes removed)
 * @param line its first line, 1-based
 */
record CsvRecord(List<String> cells, int line) {

  /** Malformed CSV, with the line of the problem. */
  static final class CsvException extends Exception {
    private static final long serialVersionUID = 1L;
    final int line;

    CsvException(String message, int line) {
      super(message);
      this.line = line;
    }
  }

  /** Reads every record; blank lines are skipped. */
  static List<CsvRecord> parse(String text) throws CsvException {
    List<CsvRecord> out = new ArrayList<>();
    int line = 1;
    int i = text.startsWith("\uFEFF") ? 1 : 0;
    while (i < text.length()) {
      int start = line;
      List<String> cells = new ArrayList<>();
      StringBuilder cell = new StringBuilder();
      boolean blank = true;
      while (true) {
        if (i < text.length() && text.charAt(i) == '"') {
          blank = false;
          if (!cell.isEmpty()) {
            throw new CsvException("a quote inside an unquoted cell", line);
          }
          i++;
          while (true) {
            if (i >= text.length()) {
              throw new CsvException("a quoted cell is not closed", start);
            }
            char c = text.charAt(i++);
            if (c == '"') {
              if (i < text.length() && text.charAt(i) == '"') {
                cell.append('"');
                i++;
              } else {
                break;
              }
            } else {
              if (c == '\n') {
                line++;
              }
              cell.append(c);
            }
          }
          if (i < text.length() && ",\r\n".indexOf(text.charAt(i)) < 0) {
            throw new CsvException("text after a closing quote", line);
          }
        } else {
          while (i < text.length() && ",\r\n".indexOf(text.charAt(i)) < 0) {
            if (text.charAt(i) == '"') {
              throw new CsvException("a quote inside an unquoted cell", line);
            }
            cell.append(text.charAt(i++));
          }
        }
        blank &= cell.isEmpty();
        cells.add(cell.toString());
        cell.setLength(0);
        if (i < text.length() && text.charAt(i) == ',') {
          blank = false;
          i++;
          continue;
        }
        break;
      }
      if (i < text.length() && text.charAt(i) == '\r') {
        i++;
      }
      if (i < text.length() && text.charAt(i) == '\n') {
        i++;
      }
      line++;
      if (!blank) {
        out.add(new CsvRecord(List.copyOf(cells), start));
      }
    }
    return out;
  }

  /**
   * One cell as written: quoted when it holds a comma, quote or line break; prefixed with {@code '}
   * when a spreadsheet would run it as a formula or it starts with {@code '} itself.
   */
  static String cell(String value) {
    String defused =
        !value.isEmpty() && "=+-@'".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    if (defused.chars().anyMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r')) {
      return "\"" + defused.replace("\"", "\"\"") + "\"";
    }
    return defused;
  }

  /** Undoes {@link #cell}'s prefix: a leading {@code '} before {@code = + - @ '}. */
  static String uncell(String value) {
    if (value.length() >= 2 && value.charAt(0) == '\'' && "=+-@'".indexOf(value.charAt(1)) >= 0) {
      return value.substring(1);
    }
    return value;
  }
}
