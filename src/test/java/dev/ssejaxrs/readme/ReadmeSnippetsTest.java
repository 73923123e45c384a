package dev.ssejaxrs.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README and every guide under {@code docs/} pass {@link MarkdownDocsCheck}: their snippets are the tested
 * sources' regions, their other java blocks compile, every region is shown, every link and anchor resolves, and no
 * paragraph swallowed a heading or a fence. The check is proved on broken input: the README as commit
 * {@code b28208d} reflowed it, and small documents with one fault each.
 */
class ReadmeSnippetsTest {
    private static final List<String> SOURCE_ROOTS = List.of("src", "src-it");

    @TempDir
    Path classes;

    @Test
    void everyDocumentIsCheckedAndInSync() {
        Path root = Path.of(".");
        MarkdownDocsCheck.Result result = MarkdownDocsCheck.check(root, MarkdownDocsCheck.documents(root), SOURCE_ROOTS,
                classes);
        assertTrue(result.problems().isEmpty(), result.counts() + "\n" + String.join("\n", result.problems()));
        assertPlausible(result);
    }

    /** The check found what these documents hold at least; far less means it stopped seeing them. */
    private static void assertPlausible(MarkdownDocsCheck.Result result) {
        String counts = result.counts();
        assertTrue(result.documents() >= 11, "expected the README and at least 10 guides: " + counts);
        assertTrue(result.snippets() >= 25, "expected at least 25 snippet markers: " + counts);
        assertTrue(result.javaBlocks() >= 27, "expected at least 27 java blocks: " + counts);
        assertTrue(result.compiledUnits() >= 2, "expected at least 2 complete compilation units: " + counts);
        assertTrue(result.regions() >= 24, "expected at least 24 source regions: " + counts);
        assertTrue(result.links() >= 60, "expected at least 60 relative links: " + counts);
        assertTrue(result.anchors() >= 40, "expected at least 40 links with an anchor: " + counts);
    }

    @Test
    void theQuickStartClassesHaveExactlyTheImportsTheGuideShowsAboveThem() throws IOException {
        String imports = MarkdownDocsCheck.region(Path.of("src/test/java/dev/ssejaxrs/readme/NumbersResource.java"),
                "imports");
        for (String name : List.of("EndlessResource", "PricesResource", "NewsResource", "FeedResource")) {
            String source = Files.readString(Path.of("src/test/java/dev/ssejaxrs/readme", name + ".java"));
            int end = source.lastIndexOf(";", source.indexOf("\n\n//")) + 1;
            String own = source.substring(source.indexOf("import "), end);
            assertEquals(imports, own, name + " imports what the guide's import block shows");
        }
    }

    @Test
    void theReadmeAsCommitB28208dReflowedItFailsNamingItsLines() {
        String reflowed = "src/test/resources/readme-check/reflowed-b28208d.md";
        MarkdownDocsCheck.Result result = MarkdownDocsCheck.check(Path.of("."), List.of(reflowed), List.of(), classes);
        String problems = String.join("\n", result.problems());
        // "... on, without restarting either node. The tests (...) ... ## Fitting into your application ### JSON"
        assertNamed(result, reflowed + ":692: a heading marker inside a paragraph");
        // "Two demo nodes on one Redis (...): ```bash mvn -q -Pdemo ..."
        assertNamed(result, reflowed + ":679: a fence inside a paragraph");
        // From line 721 on, one fence the reflow left open takes the rest of the README into a code block:
        assertNamed(result, reflowed + ":721: the fenced block is never closed");
        // "... nothing is static. ## Deploying - **Grizzly** ..."
        assertNamed(result, reflowed + ":954: swallowed by the fenced block of line 721");
        // "... (curl #10634). ## Performance Measured side by side ..."
        assertNamed(result, reflowed + ":1123: swallowed by the fenced block of line 721");
        assertNamed(result, reflowed + ":700: a snippet marker inside a paragraph");
        assertTrue(result.problems().size() >= 20, problems);
        // And it would not pass for plausible either: the parser sees only the snippets the reflow left standing.
        assertTrue(result.snippets() < 25, result.counts());
        assertThrows(AssertionError.class, () -> assertPlausible(result));
    }

    private static void assertNamed(MarkdownDocsCheck.Result result, String problem) {
        assertTrue(result.problems().stream().anyMatch(p -> p.startsWith(problem)),
                "expected a problem starting with " + problem + " in:\n" + String.join("\n", result.problems()));
    }

    @Test
    void eachFaultIsNamedWithItsDocumentAndLine(@TempDir Path project) throws IOException {
        Files.createDirectories(project.resolve("src"));
        Files.createDirectories(project.resolve("docs"));
        Files.writeString(project.resolve("src/Example.java"), "class Example {\n    // README: begin hello\n"
                + "    int hello = 1;\n    // README: end hello\n    // README: begin unused\n    int unused;\n"
                + "    // README: end unused\n}\n");
        Files.writeString(project.resolve("README.md"), String.join("\n",
                "# Example",                                        // 1
                "",
                "<!-- snippet: src/Example.java#hello -->",         // 3: in sync
                "```java",
                "int hello = 1;",
                "```",
                "",
                "- a list item",                                    // 8
                "",
                "  <!-- snippet: src/Example.java#hello -->",       // 10
                "  ```java",                                        // 11: indented, out of sync
                "  int hello = 2;",
                "  ```",
                "",
                "<!-- snippet: src/Example.java#hello -->",         // 15: no fence follows
                "",
                "Some text.",
                "",
                "```java",                                          // 19: no marker, not a compilation unit
                "undefined.call();",
                "```",
                "",
                "```java",                                          // 23: a compilation unit that compiles
                "import java.util.List;",
                "public class Fine { List<String> names = List.of(); }",
                "```",
                "",
                "```java",                                          // 28: a compilation unit that does not
                "import java.util.List;",
                "class Broken { List<String> names = clock; }",
                "```",
                "",
                "See [the guide](docs/guide.md#usage), [nowhere](docs/missing.md), [a section](#example),",  // 33
                "[no section](#no-such-section) and [no anchor](docs/guide.md#nothing).",                   // 34
                "",
                "A paragraph that swallowed a heading: text. ## Usage and more text.",                      // 36
                ""));
        Files.writeString(project.resolve("docs/guide.md"),
                "# Guide\n\n## Usage\n\nBack to [the README](../README.md).\n");
        MarkdownDocsCheck.Result result = MarkdownDocsCheck.check(project, MarkdownDocsCheck.documents(project),
                List.of("src"), classes);
        List<String> problems = result.problems();
        String all = String.join("\n", problems);
        List<String> expected = List.of(
                "README.md:11: differs from src/Example.java#hello",
                "README.md:15: no fenced block follows <!-- snippet: src/Example.java#hello -->",
                "README.md:19: unchecked java block",
                "README.md:28: does not compile",
                "README.md:33: link to docs/missing.md: no file docs/missing.md",
                "README.md:34: link to #no-such-section: no heading with the anchor #no-such-section in README.md",
                "README.md:34: link to docs/guide.md#nothing: no heading with the anchor #nothing in docs/guide.md",
                "README.md:36: a heading marker inside a paragraph",
                "src/Example.java:5: region unused is shown by no document");
        assertEquals(expected.size(), problems.size(), all);
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(problems.stream().sorted().collect(Collectors.toList()).get(i).startsWith(expected.get(i)),
                    "expected a problem starting with " + expected.get(i) + " in:\n" + all);
        }
        assertTrue(all.contains("int hello = 2;") && all.contains("clock"), all);
        assertEquals(2, result.documents(), all);
        assertEquals(2, result.snippets(), all);
        assertEquals(2, result.compiledUnits(), all);
        assertEquals(6, result.links(), all);
    }

    @Test
    void aDocumentWithSectionsMustListThemAll(@TempDir Path project) throws IOException {
        Files.createDirectories(project.resolve("docs"));
        Files.writeString(project.resolve("README.md"), "# R\n\n- [One](#one)\n- [Three](#three)\n\n## One\n\n"
                + "## Two\n\n## Three\n");
        Files.writeString(project.resolve("docs/plain.md"), "# P\n\n## A\n\n## B\n\n## C\n");
        List<String> problems = MarkdownDocsCheck.check(project, MarkdownDocsCheck.documents(project), List.of(),
                classes).problems();
        assertEquals(List.of("README.md:3: the contents list [one, three] is not the document's sections "
                + "[one, two, three]", "docs/plain.md: 3 sections and no contents list that links to them"), problems);
    }

    @Test
    void anchorsFollowGitHubsSlugs() {
        assertEquals("the-standard-api-sseneweventbuilder",
                MarkdownDocsCheck.slug("The standard API: Sse.newEventBuilder()"));
        assertEquals("tomcat-101-and-11-and-other-plain-servlet-containers",
                MarkdownDocsCheck.slug("Tomcat 10.1 and 11 and other plain servlet containers"));
        assertEquals("json-data-the-applications-own-provider",
                MarkdownDocsCheck.slug("JSON data: the application's own provider"));
        assertEquals("http2", MarkdownDocsCheck.slug("HTTP/2"));
        assertEquals("threads-and-the-streams-life", MarkdownDocsCheck.slug("Threads and the stream's life"));
    }
}
