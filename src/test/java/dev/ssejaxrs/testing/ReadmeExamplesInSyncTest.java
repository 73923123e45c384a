package dev.ssejaxrs.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The README shows the JerseyTest example exactly as the test that runs it. */
class ReadmeExamplesInSyncTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource("ReadmeJerseyTestExampleTest.java, JerseyTest example")
    void readmeContainsTheExampleAsTested(String file, String marker) throws IOException {
        String source = Files.readString(Path.of("src/test/java/dev/ssejaxrs/testing", file));
        String begin = "// README: begin " + marker + "\n";
        String block = source.substring(source.indexOf(begin) + begin.length(),
                source.indexOf("// README: end " + marker)).stripTrailing();
        int indent = block.lines().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        String dedented = Arrays.stream(block.split("\n"))
                .map(l -> l.length() >= indent ? l.substring(indent) : l.strip())
                .collect(Collectors.joining("\n"));
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains(dedented), "README.md must show the " + marker + " as in " + file);
    }
}
