package dev.ssejaxrs.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableBody;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.broadcast.ResumableOptions;
import dev.ssejaxrs.mcp.McpStreamableTransport;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.stream.StreamOptions;

/**
 * {@code docs/configuration.md} is complete by construction: every public method of the options builders has a row
 * in its class's table (overloads one row each), and every {@code dev.ssejaxrs.*} property constant of the main
 * sources has a row in the application properties table.
 */
class ConfigurationReferenceTest {
    private static final Path REFERENCE = Path.of("docs/configuration.md");
    private static final String PROPERTIES = "Application properties";
    /** A string constant whose value is an application property: {@code static final String X = "dev.ssejaxrs..."}. */
    private static final Pattern PROPERTY = Pattern.compile(
            "static\\s+final\\s+String\\s+\\w+\\s*=\\s*\"(dev\\.ssejaxrs\\.[A-Za-z0-9_.]+)\"");

    private static Map<String, Class<?>> builders() {
        Map<String, Class<?>> builders = new LinkedHashMap<>();
        builders.put("StreamOptions", StreamOptions.Builder.class);
        builders.put("RegistryOptions", RegistryOptions.Builder.class);
        builders.put("RedisOptions", RedisOptions.Builder.class);
        builders.put("ResumableOptions", ResumableOptions.Builder.class);
        builders.put("PostgresOptions", dev.ssejaxrs.postgres.PostgresOptions.Builder.class);
        builders.put("McpStreamableTransport", McpStreamableTransport.Builder.class);
        return builders;
    }

    @Test
    void everyBuilderMethodAndPropertyHasARow() throws IOException {
        List<String> properties = properties(Path.of("src/main/java"));
        assertTrue(properties.size() >= 4, "expected the runtime's 4 properties at least, found " + properties);
        Map<String, List<String>> tables = tables(Files.readString(REFERENCE));
        List<String> missing = missingRows(tables, builders(), properties);
        assertTrue(missing.isEmpty(), REFERENCE + " has no row for " + missing);
        int methods = builders().values().stream().mapToInt(b -> publicMethods(b).size()).sum();
        assertTrue(methods >= 30, "expected at least 30 builder methods, found " + methods);
    }

    @Test
    void aMissingRowOrTableIsNamed(@TempDir Path sources) throws IOException {
        String reference = Files.readString(REFERENCE);
        String withoutPing = reference.lines().filter(l -> !l.startsWith("| `pingEvent("))
                .reduce("", (a, b) -> a + b + "\n");
        String withoutRedisTable = reference.replace("## RedisOptions", "## Redis");
        Files.createDirectories(sources.resolve("dev/ssejaxrs/x"));
        Files.writeString(sources.resolve("dev/ssejaxrs/x/Later.java"),
                "class Later {\n    public static final String LATER = \"dev.ssejaxrs.later\";\n}\n");
        List<String> properties = new ArrayList<>(properties(Path.of("src/main/java")));
        properties.addAll(properties(sources));

        assertEquals(List.of("StreamOptions.Builder.pingEvent", "property dev.ssejaxrs.later"),
                missingRows(tables(withoutPing), builders(), properties));
        List<String> noTable = missingRows(tables(withoutRedisTable), builders(), properties(Path.of("src/main/java")));
        assertTrue(noTable.contains("a table under ## RedisOptions"), noTable.toString());
        assertTrue(noTable.contains("RedisOptions.Builder.nodeId"), noTable.toString());
    }

    /** What has no row: "Class.Builder.method" per missing overload, "property NAME" per missing property. */
    static List<String> missingRows(Map<String, List<String>> tables, Map<String, Class<?>> builders,
                                    List<String> properties) {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Class<?>> builder : builders.entrySet()) {
            List<String> rows = tables.get(builder.getKey());
            if (rows == null) {
                missing.add("a table under ## " + builder.getKey());
                rows = List.of();
            }
            Map<String, Integer> overloads = new LinkedHashMap<>();
            publicMethods(builder.getValue()).forEach(m -> overloads.merge(m.getName(), 1, Integer::sum));
            for (Map.Entry<String, Integer> method : overloads.entrySet()) {
                long documented = rows.stream().filter(r -> r.startsWith(method.getKey() + "(")).count();
                if (documented < method.getValue()) {
                    missing.add(builder.getKey() + ".Builder." + method.getKey());
                }
            }
        }
        List<String> rows = tables.getOrDefault(PROPERTIES, List.of());
        for (String property : properties) {
            if (rows.stream().noneMatch(r -> r.equals(property) || r.startsWith(property + " "))) {
                missing.add("property " + property);
            }
        }
        return missing;
    }

    private static List<Method> publicMethods(Class<?> builder) {
        return Arrays.stream(builder.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && !m.getName().equals("build"))
                .toList();
    }

    /** The values of the property constants in the .java files under {@code sources}, sorted. */
    static List<String> properties(Path sources) throws IOException {
        TreeSet<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher property = PROPERTY.matcher(Files.readString(file));
                while (property.find()) {
                    found.add(property.group(1));
                }
            }
        }
        return List.copyOf(found);
    }

    /** The first cells of the body rows of the first table after each {@code ##} heading, by heading text. */
    static Map<String, List<String>> tables(String markdown) {
        Node document = Parser.builder().extensions(List.of(TablesExtension.create())).build().parse(markdown);
        Map<String, List<String>> tables = new LinkedHashMap<>();
        String section = null;
        for (Node node = document.getFirstChild(); node != null; node = node.getNext()) {
            if (node instanceof Heading heading && heading.getLevel() == 2) {
                section = MarkdownDocsCheck.text(heading);
            } else if (node instanceof TableBlock table && section != null && !tables.containsKey(section)) {
                List<String> firstCells = new ArrayList<>();
                for (Node part = table.getFirstChild(); part != null; part = part.getNext()) {
                    if (part instanceof TableBody) {
                        for (Node row = part.getFirstChild(); row != null; row = row.getNext()) {
                            if (row instanceof TableRow && row.getFirstChild() instanceof TableCell cell) {
                                firstCells.add(MarkdownDocsCheck.text(cell).strip());
                            }
                        }
                    }
                }
                tables.put(section, firstCells);
            }
        }
        return tables;
    }
}
