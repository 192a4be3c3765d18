package io.hsip.policygateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documents' claims point at things that exist: every relative Markdown link, every file path
 * in backticks and every test named in backticks ({@code FooTest}, {@code BarIT}, {@code
 * FooTest#method}) in the compliance pack, the operator docs and the READMEs. A renamed test or
 * moved file that a document still cites fails here, so evidence cannot silently go stale.
 */
class DocumentReferencesTest {

  private static final Path ROOT = Path.of("").toAbsolutePath();

  /** The documents whose references are checked. */
  private static List<Path> documents() throws IOException {
    List<Path> docs = new ArrayList<>();
    for (String dir : List.of("compliance", "docs", "k8s")) {
      try (Stream<Path> files = Files.list(ROOT.resolve(dir))) {
        files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
      }
    }
    docs.add(ROOT.resolve("README.md"));
    docs.add(ROOT.resolve("admin-ui/README.md"));
    return docs;
  }

  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern CODE = Pattern.compile("`([^`\\n]+)`");
  private static final Pattern TEST =
      Pattern.compile("([A-Z][A-Za-z0-9]*(?:Test|IT))(?:#([a-z][A-Za-z0-9_]*))?");
  private static final Set<String> TOP =
      Set.of("src/", "admin-ui/", "k8s/", ".ci/", "docs/", "compliance/", "policies/", "bin/");

  /** Test class simple name → its source, from both test source roots. */
  private static Map<String, Path> testSources() throws IOException {
    try (Stream<Path> a = Files.walk(ROOT.resolve("src/test/java"));
        Stream<Path> b = Files.walk(ROOT.resolve("admin-ui/src/test/java"))) {
      return Stream.concat(a, b)
          .filter(p -> p.toString().endsWith(".java"))
          .collect(
              Collectors.toMap(
                  p -> p.getFileName().toString().replace(".java", ""), p -> p, (x, y) -> x));
    }
  }

  @Test
  void everyLinkPathAndTestTheDocumentsCiteExists() throws IOException {
    Map<String, Path> tests = testSources();
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path doc : documents()) {
      String text = Files.readString(doc);
      String name = ROOT.relativize(doc).toString();
      Matcher link = LINK.matcher(text);
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("^[a-z]+:.*") || target.startsWith("#")) {
          continue;
        }
        checked++;
        Path file = doc.getParent().resolve(target.replaceFirst("#.*$", "")).normalize();
        if (!Files.exists(file)) {
          broken.add(name + ": link to " + target + " (no such file)");
        }
      }
      Matcher code = CODE.matcher(text);
      while (code.find()) {
        String quoted = code.group(1).strip();
        Matcher test = TEST.matcher(quoted);
        if (test.matches()) {
          checked++;
          Path source = tests.get(test.group(1));
          if (source == null) {
            broken.add(name + ": test " + quoted + " (no such test class)");
          } else if (test.group(2) != null
              && !Files.readString(source).contains(" " + test.group(2) + "(")) {
            broken.add(name + ": test " + quoted + " (no such method)");
          }
          continue;
        }
        String path = quoted.split("\\s")[0].replaceFirst("[#:].*$", "").replaceFirst("[.,;]$", "");
        boolean repoPath = TOP.stream().anyMatch(path::startsWith) || path.startsWith("../");
        if (!repoPath
            || path.matches(".*[*<>{}…|$].*|.*\\.\\.\\..*")
            || path.contains("/target/")) {
          continue;
        }
        checked++;
        // A path is relative to the document's folder (admin-ui/README.md names admin-ui's own
        // src/) or, failing that, to the repository root.
        Path local = doc.getParent().resolve(path).normalize();
        if (!Files.exists(local) && (path.startsWith("../") || !Files.exists(ROOT.resolve(path)))) {
          broken.add(name + ": path " + path + " (no such file or folder)");
        }
      }
    }
    assertThat(checked).as("references checked").isGreaterThan(50);
    assertThat(broken).as("references to files and tests that do not exist").isEmpty();
  }
}
