package dev.ssejaxrs.readme;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Document;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SourceSpan;
import org.commonmark.node.Text;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/**
 * Checks Markdown documents (the README and the guides under {@code docs/}) with a CommonMark parser (and GFM
 * tables), so that what it checks is what a Markdown viewer shows:
 * <ul>
 * <li>every {@code <!-- snippet: PATH#NAME -->} marker is followed by a fenced block whose content is exactly the
 * region between {@code // README: begin NAME} and {@code // README: end NAME} of that source (dedented);</li>
 * <li>every fenced {@code java} block is such a snippet or a complete compilation unit that compiles against the
 * test class path;</li>
 * <li>every {@code // README: begin NAME} region of the sources is shown by some document;</li>
 * <li>every relative link leads to a file, and every {@code #anchor} to a heading (GitHub's slugs);</li>
 * <li>no paragraph holds a heading marker, a fence or a snippet marker, and no fenced block is left open or holds
 * another fence: what a reflow leaves behind;</li>
 * <li>a document with three or more {@code ##} sections has a contents list that links to exactly those sections,
 * in order.</li>
 * </ul>
 * Each problem names the document and line. The counts of what was found go with the problems, so that a caller can
 * refuse a run that found implausibly little (a check that finds nothing passes).
 */
final class MarkdownDocsCheck {
    private static final Pattern MARKER = Pattern.compile("<!--\\s*snippet:\\s*(\\S+)#(\\S+)\\s*-->");
    private static final Pattern REGION_BEGIN = Pattern.compile("// README: begin (\\S+)");
    private static final Pattern TYPE = Pattern.compile(
            "(?m)^(?:public\\s+)?(?:final\\s+|abstract\\s+)*(?:class|interface|record|enum)\\s+(\\w+)");
    private static final Pattern HEADING_MARKER = Pattern.compile("(?:^|\\s)#{1,6}[ \\t]+\\S");
    private static final Pattern SWALLOWED_HEADING = Pattern.compile("(?:^|\\s)#{2,6}[ \\t]+\\S");
    private static final Pattern EXTERNAL = Pattern.compile("(?i)^(?:[a-z][a-z0-9+.-]*:|//)");
    private static final Parser PARSER = Parser.builder()
            .extensions(List.of(TablesExtension.create()))
            .includeSourceSpans(IncludeSourceSpans.BLOCKS_AND_INLINES)
            .build();

    /** What a run found, and what is wrong. */
    record Result(List<String> problems, int documents, int snippets, int javaBlocks, int compiledUnits,
                  int links, int anchors, int regions) {
        String counts() {
            return documents + " documents, " + snippets + " snippet markers, " + javaBlocks + " java blocks ("
                    + compiledUnits + " compiled as units), " + links + " relative links (" + anchors
                    + " with an anchor), " + regions + " source regions";
        }
    }

    private final Path root;
    private final Path classes;
    private final List<String> problems = new ArrayList<>();
    private final Map<Path, Parsed> parsed = new HashMap<>();
    private final Set<String> shownRegions = new LinkedHashSet<>();
    private int snippets;
    private int javaBlocks;
    private int compiledUnits;
    private int links;
    private int anchors;

    private MarkdownDocsCheck(Path root, Path classes) {
        this.root = root;
        this.classes = classes;
    }

    /**
     * Checks {@code documents} (paths relative to {@code root}); regions are looked for in the {@code .java} files
     * under {@code sourceRoots} (relative to {@code root}); complete compilation units compile into {@code classes}.
     */
    static Result check(Path root, List<String> documents, List<String> sourceRoots, Path classes) {
        root = root.toAbsolutePath().normalize();
        MarkdownDocsCheck check = new MarkdownDocsCheck(root, classes);
        for (String document : documents) {
            check.checkDocument(root.resolve(document).normalize());
        }
        Map<String, Integer> regions = check.regions(sourceRoots);
        for (Map.Entry<String, Integer> region : regions.entrySet()) {
            if (!check.shownRegions.contains(region.getKey())) {
                check.problems.add(region.getKey().replace("#", ":" + region.getValue() + ": region ")
                        + " is shown by no document: show it with <!-- snippet: " + region.getKey()
                        + " --> or remove it");
            }
        }
        return new Result(List.copyOf(check.problems), documents.size(), check.snippets, check.javaBlocks,
                check.compiledUnits, check.links, check.anchors, regions.size());
    }

    /** Every Markdown file under {@code root}'s README.md and docs/ (relative paths, sorted). */
    static List<String> documents(Path root) {
        List<String> documents = new ArrayList<>();
        documents.add("README.md");
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> files = Files.walk(docs)) {
                files.filter(f -> f.toString().endsWith(".md"))
                        .map(f -> root.relativize(f).toString().replace('\\', '/'))
                        .sorted().forEach(documents::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return documents;
    }

    private record Parsed(Document document, String text, List<String> anchors) { }

    private Parsed parse(Path file) {
        return parsed.computeIfAbsent(file, f -> {
            String text = read(f);
            Document document = (Document) PARSER.parse(text);
            List<String> slugs = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            document.accept(new AbstractVisitor() {
                @Override
                public void visit(Heading heading) {
                    String slug = slug(text(heading));
                    int n = seen.merge(slug, 1, Integer::sum);
                    slugs.add(n == 1 ? slug : slug + "-" + (n - 1));
                }
            });
            return new Parsed(document, text, slugs);
        });
    }

    private void checkDocument(Path file) {
        String name = root.relativize(file).toString().replace('\\', '/');
        if (!Files.isRegularFile(file)) {
            problems.add(name + ": no such document");
            return;
        }
        Parsed doc = parse(file);
        doc.document().accept(new AbstractVisitor() {
            @Override
            public void visit(HtmlBlock block) {
                String html = block.getLiteral().strip();
                if (html.contains("snippet:")) {
                    Matcher marker = MARKER.matcher(html);
                    if (!marker.matches()) {
                        problem(block, "a snippet marker must read <!-- snippet: PATH#NAME --> alone: " + html);
                    } else if (!(block.getNext() instanceof FencedCodeBlock)) {
                        problem(block, "no fenced block follows <!-- snippet: " + marker.group(1) + "#"
                                + marker.group(2) + " -->");
                    }
                }
                super.visit(block);
            }

            @Override
            public void visit(FencedCodeBlock block) {
                checkFence(block);
            }

            @Override
            public void visit(IndentedCodeBlock block) {
                if (block.getLiteral().contains("```")) {
                    problem(block, "an indented code block holds a fence: a fenced block lost its indentation");
                }
            }

            @Override
            public void visit(Paragraph paragraph) {
                checkParagraph(paragraph);
                super.visit(paragraph);
            }

            @Override
            public void visit(Link link) {
                checkLink(file, link, link.getDestination());
                super.visit(link);
            }

            @Override
            public void visit(Image image) {
                checkLink(file, image, image.getDestination());
                super.visit(image);
            }

            private void problem(Node node, String message) {
                problems.add(name + ":" + line(node) + ": " + message);
            }

            private void checkFence(FencedCodeBlock block) {
                Node previous = block.getPrevious();
                Matcher marker = previous instanceof HtmlBlock html ? MARKER.matcher(html.getLiteral().strip()) : null;
                checkSwallowed(block);
                String code = block.getLiteral().stripTrailing();
                boolean java = block.getInfo() != null && block.getInfo().strip().equals("java");
                if (java) {
                    javaBlocks++;
                }
                if (marker != null && marker.matches()) {
                    snippets++;
                    String path = marker.group(1);
                    String region = region(root.resolve(path), marker.group(2));
                    shownRegions.add(path + "#" + marker.group(2));
                    if (region == null) {
                        problem(block, "no region " + marker.group(2) + " in " + path);
                    } else if (!region.equals(code)) {
                        problem(block, "differs from " + path + "#" + marker.group(2) + firstDifference(region, code));
                    }
                } else if (java) {
                    if (code.lines().anyMatch(l -> l.startsWith("import ")) && TYPE.matcher(code).find()) {
                        compiledUnits++;
                        String errors = compile(code, classes);
                        if (!errors.isEmpty()) {
                            problem(block, "does not compile: " + errors);
                        }
                    } else {
                        problem(block, "unchecked java block: put <!-- snippet: PATH#NAME --> on the line before it "
                                + "(a // README: begin NAME region of a test source) or make it a complete "
                                + "compilation unit");
                    }
                }
            }

            /** A fence left open (or opened inside another) swallows what follows: name each line it took. */
            private void checkSwallowed(FencedCodeBlock block) {
                List<String> lines = block.getLiteral().lines().toList();
                boolean open = block.getClosingFenceLength() == null;
                boolean nested = lines.stream().anyMatch(l -> l.contains("```") || l.contains("~~~"));
                if (!open && !nested) {
                    return;
                }
                problem(block, open ? "the fenced block is never closed: it swallows everything after it"
                        : "the fenced block holds another fence: it swallowed text and blocks after it");
                int first = line(block) + 1;
                for (int i = 0; i < lines.size(); i++) {
                    String text = lines.get(i);
                    if (text.contains("```") || text.contains("~~~") || SWALLOWED_HEADING.matcher(text).find()) {
                        problems.add(name + ":" + (first + i) + ": swallowed by the fenced block of line "
                                + line(block) + ": " + excerpt(text));
                    }
                }
            }

            private void checkParagraph(Paragraph paragraph) {
                for (Node inline = paragraph.getFirstChild(); inline != null; inline = inline.getNext()) {
                    if (inline instanceof Text text) {
                        if (HEADING_MARKER.matcher(text.getLiteral()).find()) {
                            problem(inline, "a heading marker inside a paragraph (reflowed?): "
                                    + excerpt(text.getLiteral()));
                        }
                        if (text.getLiteral().contains("```") || text.getLiteral().contains("~~~")) {
                            problem(inline, "a fence inside a paragraph (reflowed?): " + excerpt(text.getLiteral()));
                        }
                    } else if (inline instanceof Code) {
                        String source = source(doc.text(), inline);
                        if (source.startsWith("```")) {
                            problem(inline, "a fence inside a paragraph (reflowed?): " + excerpt(source));
                        }
                    } else if (inline instanceof HtmlInline html && html.getLiteral().contains("snippet:")) {
                        problem(inline, "a snippet marker inside a paragraph (reflowed?): " + html.getLiteral());
                    }
                }
            }

            private void checkLink(Path from, Node node, String destination) {
                if (destination == null || destination.isEmpty() || EXTERNAL.matcher(destination).find()) {
                    return;
                }
                links++;
                int hash = destination.indexOf('#');
                String path = hash < 0 ? destination : destination.substring(0, hash);
                String anchor = hash < 0 ? null : destination.substring(hash + 1);
                Path target = path.isEmpty() ? from : from.getParent().resolve(path).normalize();
                if (!target.startsWith(root) || !Files.exists(target)) {
                    problem(node, "link to " + destination + ": no file " + path);
                    return;
                }
                if (anchor != null) {
                    anchors++;
                    if (!target.toString().endsWith(".md")) {
                        problem(node, "link to " + destination + ": an anchor into a file that is not Markdown");
                    } else if (!parse(target).anchors().contains(anchor)) {
                        problem(node, "link to " + destination + ": no heading with the anchor #" + anchor + " in "
                                + root.relativize(target).toString().replace('\\', '/'));
                    }
                }
            }
        });
        checkContents(name, doc);
    }

    /** A document with three or more sections lists them, in order, in a list of anchor links. */
    private void checkContents(String name, Parsed doc) {
        List<String> sections = new ArrayList<>();
        for (Node node = doc.document().getFirstChild(); node != null; node = node.getNext()) {
            if (node instanceof Heading heading && heading.getLevel() == 2) {
                sections.add(slug(text(heading)));
            }
        }
        if (sections.size() < 3) {
            return;
        }
        for (Node node = doc.document().getFirstChild(); node != null; node = node.getNext()) {
            if (node instanceof BulletList list) {
                List<String> listed = new ArrayList<>();
                boolean contents = true;
                for (Node item = list.getFirstChild(); item != null && contents; item = item.getNext()) {
                    Link link = firstLink((ListItem) item);
                    contents = link != null && link.getDestination().startsWith("#");
                    if (contents) {
                        listed.add(link.getDestination().substring(1));
                    }
                }
                if (contents) {
                    if (!listed.equals(sections)) {
                        problems.add(name + ":" + line(list) + ": the contents list " + listed
                                + " is not the document's sections " + sections);
                    }
                    return;
                }
            }
        }
        problems.add(name + ": " + sections.size() + " sections and no contents list that links to them");
    }

    private static Link firstLink(Node node) {
        for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
            if (child instanceof Link link) {
                return link;
            }
            Link inner = firstLink(child);
            if (inner != null) {
                return inner;
            }
        }
        return null;
    }

    /** Regions of the .java files under the source roots: "relative/path#NAME" to the line of its begin. */
    private Map<String, Integer> regions(List<String> sourceRoots) {
        Map<String, Integer> regions = new LinkedHashMap<>();
        Set<Path> files = new TreeSet<>();
        for (String sourceRoot : sourceRoots) {
            Path dir = root.resolve(sourceRoot);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(f -> f.toString().endsWith(".java")).forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (Path file : files) {
            List<String> lines = read(file).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                Matcher begin = REGION_BEGIN.matcher(lines.get(i).strip());
                if (begin.matches()) {
                    regions.put(root.relativize(file).toString().replace('\\', '/') + "#" + begin.group(1), i + 1);
                }
            }
        }
        return regions;
    }

    /** The region NAME of {@code file}, dedented, or null when the file or the region is missing. */
    static String region(Path file, String name) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        List<String> lines = read(file).lines().toList();
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

    /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
    static String slug(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}\\p{M}_\\- ]", "")
                .replace(' ', '-');
    }

    /** The text of {@code node}: its text and code spans, without markup. */
    static String text(Node node) {
        StringBuilder text = new StringBuilder();
        node.accept(new AbstractVisitor() {
            @Override
            public void visit(Text t) {
                text.append(t.getLiteral());
            }

            @Override
            public void visit(Code code) {
                text.append(code.getLiteral());
            }
        });
        return text.toString();
    }

    private static int line(Node node) {
        List<SourceSpan> spans = node.getSourceSpans();
        return spans.isEmpty() ? 0 : spans.get(0).getLineIndex() + 1;
    }

    private static String source(String text, Node node) {
        List<SourceSpan> spans = node.getSourceSpans();
        if (spans.isEmpty()) {
            return "";
        }
        SourceSpan span = spans.get(0);
        return text.substring(span.getInputIndex(), Math.min(text.length(), span.getInputIndex() + span.getLength()));
    }

    private static String excerpt(String text) {
        String oneLine = text.strip().replace('\n', ' ');
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstDifference(String expected, String actual) {
        List<String> want = expected.lines().toList();
        List<String> got = actual.lines().toList();
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            String w = i < want.size() ? want.get(i) : "<end>";
            String g = i < got.size() ? got.get(i) : "<end>";
            if (!w.equals(g)) {
                return " at its line " + (i + 1) + ":\n    source:   " + w + "\n    document: " + g;
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
