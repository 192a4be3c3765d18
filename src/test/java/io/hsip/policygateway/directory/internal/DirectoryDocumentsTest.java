package io.hsip.policygateway.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.directory.Group;
import io.hsip.policygateway.directory.Member;
import io.hsip.policygateway.directory.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The import formats: the examples of docs/operations.md read as documented, lines of entries and
 * of shape errors are the ones a person counts in an editor, and writing then reading gives back
 * the same entries, awkward text included.
 */
class DirectoryDocumentsTest {

  private static final Group ENGINEERING = new Group("engineering", "Builds the product");
  private static final Member ALICE =
      new Member(
          "AC3C3OQDGHS4Z6ZGMG4UWWSMLA", "Alice Example", Set.of("engineering"), "alice-daemon");
  private static final Service CHAT =
      new Service("chat", "BC3C3OQDGHS4Z6ZGMG4UWWSMLB", "/etc/hsip/chat.pem", null);

  private static String example(String language) throws IOException {
    String doc = Files.readString(Path.of("docs/operations.md"));
    int section = doc.indexOf("## Member directory");
    Matcher block = Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(doc);
    assertThat(block.find(section)).as("a %s example in the section", language).isTrue();
    return block.group(1);
  }

  @Test
  void theDocumentedExamplesReadAsDocumented() throws IOException {
    for (DirectoryDocuments.Contents read :
        List.of(
            DirectoryDocuments.readYaml(example("yaml"), 100),
            DirectoryDocuments.readCsv(example("csv"), 100))) {
      assertThat(read.violations()).isEmpty();
      assertThat(read.groups())
          .extracting(DirectoryDocuments.Placed::entry)
          .containsExactly(ENGINEERING);
      assertThat(read.members())
          .extracting(DirectoryDocuments.Placed::entry)
          .containsExactly(ALICE);
      assertThat(read.services())
          .extracting(DirectoryDocuments.Placed::entry)
          .containsExactly(CHAT);
    }
  }

  @Test
  void entriesAndShapeErrorsCarryTheirLines() {
    DirectoryDocuments.Contents yaml =
        DirectoryDocuments.readYaml(
            "groups:\n  - name: a\n  - name: b\n    colour: red\nmembers:\n  - peer_id: X\n", 10);
    assertThat(yaml.groups()).extracting(DirectoryDocuments.Placed::line).containsExactly(2, 3);
    assertThat(yaml.members()).extracting(DirectoryDocuments.Placed::line).containsExactly(6);
    assertThat(yaml.violations()).hasSize(1);
    assertThat(yaml.violations().getFirst().field()).isEqualTo("/groups/1/colour");
    assertThat(yaml.violations().getFirst().line()).isEqualTo(3);

    DirectoryDocuments.Contents csv =
        DirectoryDocuments.readCsv(
            DirectoryDocuments.CSV_HEADER
                + "\n\ngroup,a,,,,\"two\nlines\",,\nwidget,b,,,,,,\ngroup,c,,,,,\n",
            10);
    assertThat(csv.groups()).extracting(DirectoryDocuments.Placed::line).containsExactly(3);
    assertThat(csv.violations())
        .extracting(v -> v.line() + " " + v.field())
        .containsExactly("5 kind", "6 /");
  }

  @Test
  void whatIsWrittenReadsBackTheSame() {
    List<Group> groups =
        List.of(new Group("g", "a, \"quoted\"\u00e9 \uD83D\uDE00"), new Group("h", null));
    List<Member> members =
        List.of(
            new Member("AC3C3OQDGHS4Z6ZGMG4UWWSMLA", "=SUM(A1)", Set.of("g", "h"), "'quote"),
            new Member("AC3C3OQDGHS4Z6ZGMG4UWWSMLB", "'=x", Set.of(), null),
            new Member("AC3C3OQDGHS4Z6ZGMG4UWWSMLC", "123", Set.of(), "-1"));
    List<Service> services = List.of(new Service("s", "BC3C3OQDGHS4Z6ZGMG4UWWSMLB", null, "@svc"));
    for (DirectoryDocuments.Contents read :
        List.of(
            DirectoryDocuments.readYaml(
                DirectoryDocuments.writeYaml(groups, members, services), 100),
            DirectoryDocuments.readCsv(
                DirectoryDocuments.writeCsv(groups, members, services), 100))) {
      assertThat(read.violations()).isEmpty();
      assertThat(read.groups()).extracting(DirectoryDocuments.Placed::entry).isEqualTo(groups);
      assertThat(read.members()).extracting(DirectoryDocuments.Placed::entry).isEqualTo(members);
      assertThat(read.services()).extracting(DirectoryDocuments.Placed::entry).isEqualTo(services);
    }
    assertThat(DirectoryDocuments.writeCsv(List.of(), members, List.of()))
        .contains(",'=SUM(A1),")
        .doesNotContain(",=SUM");
  }
}
