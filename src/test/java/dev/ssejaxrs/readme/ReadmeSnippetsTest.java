package dev.ssejaxrs.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of {@code README.md} (indented ones in lists too) is checked: either the line before
 * it is {@code <!-- snippet: PATH#NAME -->} and the block is exactly (after dedenting) the region between
 * {@code // README: begin NAME} and {@code // README: end NAME} of that source file, which compiles and runs with the
 * tests; or the block is a complete compilation unit (with its imports), compiled here against the test class path.
 */
class ReadmeSnippetsTest {
    private static final Pattern FENCE = Pattern.compile("^(\\s*)```java\\s*$");
    private static final Pattern MARKER = Pattern.compile("^\\s*<!-- snippet: (\\S+)#(\\S+) -->\\s*$");
    private static final Pattern TYPE = Pattern.compile(
            "(?m)^(?:public\\s+)?(?:final\\s+|abstract\\s+)*(?:class|interface|record|enum)\\s+(\\w+)");

    @TempDir
    Path classes;

    @Test
    void everyJavaBlockOfTheReadmeIsCheckedAndInSync() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
        List<String> problems = problems(readme, Path.of("."), classes);
        assertTrue(problems.isEmpty(), "README.md:\n" + String.join("\n", problems));
    }

    @Test
    void theQuickStartClassesHaveExactlyTheImportsTheReadmeShowsAboveThem() throws IOException {
        String imports = region(Path.of("src/test/java/dev/ssejaxrs/readme/NumbersResource.java"), "imports");
        for (String name : List.of("EndlessResource", "PricesResource", "NewsResource", "FeedResource")) {
            String source = Files.readString(Path.of("src/test/java/dev/ssejaxrs/readme", name + ".java"));
            String own = source.substring(source.indexOf("import "), source.lastIndexOf(";", source.indexOf("\n\n//")) + 1);
            assertEquals(imports, own, name + " imports what the README's import block shows");
        }
    }

    @Test
    void theCheckNamesTheLineOfEachUncheckedOrStaleBlock() throws IOException {
        Path source = classes.resolve("Example.java");
        Files.writeString(source, "class Example {\n    // README: begin hello\n    int hello = 1;\n"
                + "    // README: end hello\n}\n");
        List<String> readme = List.of(
                "text",                                        // 1
                "<!-- snippet: Example.java#hello -->",        // 2
                "```java",                                     // 3: in sync
                "int hello = 1;",
                "```",
                "  <!-- snippet: Example.java#hello -->",      // 6
                "  ```java",                                   // 7: indented, out of sync
                "  int hello = 2;",
                "  ```",
                "```java",                                     // 10: no marker, not a compilation unit
                "undefined.call();",
                "```",
                "```java",                                     // 13: a compilation unit that compiles
                "import java.util.List;",
                "public class Fine { List<String> names = List.of(); }",
                "```",
                "```java",                                     // 17: a compilation unit that does not
                "import java.util.List;",
                "class Broken { List<String> names = clock; }",
                "```");
        List<String> problems = problems(readme, classes, classes.resolve("out"));
        assertEquals(3, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).startsWith("line 7: "), problems.get(0));
        assertTrue(problems.get(0).contains("int hello = 2;"), problems.get(0));
        assertTrue(problems.get(1).startsWith("line 10: "), problems.get(1));
        assertTrue(problems.get(2).startsWith("line 17: ") && problems.get(2).contains("clock"), problems.get(2));
    }

    /** What is wrong with the README's java blocks, each naming its fence's line (1-based). */
    static List<String> problems(List<String> readme, Path root, Path classes) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < readme.size(); i++) {
            Matcher fence = FENCE.matcher(readme.get(i));
            if (!fence.matches()) {
                continue;
            }
            int line = i + 1;
            String indent = fence.group(1);
            List<String> block = new ArrayList<>();
            int end = i + 1;
            while (end < readme.size() && !readme.get(end).strip().equals("```")) {
                String text = readme.get(end);
                block.add(text.startsWith(indent) ? text.substring(indent.length()) : text.strip());
                end++;
            }
            if (end == readme.size()) {
                problems.add("line " + line + ": the block is not closed");
                break;
            }
            String code = String.join("\n", block).stripTrailing();
            Matcher marker = i > 0 ? MARKER.matcher(readme.get(i - 1)) : null;
            if (marker != null && marker.matches()) {
                String region = region(root.resolve(marker.group(1)), marker.group(2));
                if (region == null) {
                    problems.add("line " + line + ": no region " + marker.group(2) + " in " + marker.group(1));
                } else if (!region.equals(code)) {
                    problems.add("line " + line + ": differs from " + marker.group(1) + "#" + marker.group(2)
                            + firstDifference(region, code));
                }
            } else if (code.lines().anyMatch(l -> l.startsWith("import ")) && TYPE.matcher(code).find()) {
                String errors = compile(code, classes);
                if (!errors.isEmpty()) {
                    problems.add("line " + line + ": does not compile: " + errors);
                }
            } else {
                problems.add("line " + line + ": unchecked: put <!-- snippet: PATH#NAME --> on the line before it "
                        + "(a // README: begin NAME region of a test source) or make it a complete compilation unit");
            }
            i = end;
        }
        return problems;
    }

    private static String region(Path file, String name) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int begin = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.equals("// README: begin " + name)) {
                begin = i;
            } else if (text.equals("// README: end " + name) && begin >= 0) {
                end = i;
                break;
            }
        }
        if (begin < 0 || end < 0) {
            return null;
        }
        List<String> region = lines.subList(begin + 1, end);
        int indent = region.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return region.stream().map(l -> l.length() >= indent ? l.substring(indent) : l.strip())
                .collect(Collectors.joining("\n")).stripTrailing();
    }

    private static String firstDifference(String expected, String actual) {
        List<String> want = expected.lines().toList();
        List<String> got = actual.lines().toList();
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            String w = i < want.size() ? want.get(i) : "<end>";
            String g = i < got.size() ? got.get(i) : "<end>";
            if (!w.equals(g)) {
                return " at its line " + (i + 1) + ":\n    source: " + w + "\n    README: " + g;
            }
        }
        return "";
    }

    private static String compile(String code, Path classes) {
        Matcher type = TYPE.matcher(code);
        type.find();
        JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + type.group(1) + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        };
        try {
            Files.createDirectories(classes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter out = new StringWriter();
        boolean ok = compiler.getTask(out, null, diagnostics,
                List.of("-proc:none", "-d", classes.toString(), "-classpath", System.getProperty("java.class.path")),
                null, List.of(unit)).call();
        if (ok) {
            return "";
        }
        return diagnostics.getDiagnostics().stream()
                .map(d -> "its line " + d.getLineNumber() + ": " + d.getMessage(null))
                .collect(Collectors.joining("; ")) + out;
    }
}
