package dev.ssejaxrs.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds a {@code java} for a server that needs a newer Java than the tests run on (Payara Micro 7 needs 21): the
 * test JVM's own when it is new enough, else the JDK named by the system property {@code it.jdk} or the
 * environment variable {@code SSE_IT_JDK}, else the oldest new-enough JDK under the directories of
 * {@code it.jdkDirs} (default {@code /usr/lib/jvm}, {@code /usr/java}, {@code /opt/java}), read from each JDK's
 * {@code release} file. Nothing is hard-coded to one machine.
 */
final class Jdks {
    private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)[^\"]*\"", Pattern.MULTILINE);

    private Jdks() {
    }

    /** The {@code java} launcher of a JDK of at least {@code feature} (e.g. 21); fails saying where it looked. */
    static String javaAtLeast(int feature) {
        if (Runtime.version().feature() >= feature) {
            return ContainerProcess.java();
        }
        String named = Optional.ofNullable(System.getProperty("it.jdk")).orElse(System.getenv("SSE_IT_JDK"));
        if (named != null && !named.isBlank()) {
            Path home = Path.of(named);
            int version = featureOf(home);
            if (version < feature) {
                throw new IllegalStateException("it.jdk / SSE_IT_JDK " + home + " is Java " + version
                        + ", need " + feature + " or newer");
            }
            return launcher(home);
        }
        List<Path> dirs = Stream.of(System.getProperty("it.jdkDirs", "/usr/lib/jvm:/usr/java:/opt/java")
                .split(java.io.File.pathSeparator)).map(Path::of).filter(Files::isDirectory)
                .collect(Collectors.toList());
        return dirs.stream().flatMap(Jdks::children)
                .filter(home -> Files.isExecutable(Path.of(launcher(home))))
                .filter(home -> featureOf(home) >= feature)
                .min(Comparator.comparingInt(Jdks::featureOf).thenComparing(Path::toString))
                .map(Jdks::launcher)
                .orElseThrow(() -> new IllegalStateException("this server needs Java " + feature
                        + " or newer: none under " + dirs + "; name one with -Dit.jdk=<JDK home> or SSE_IT_JDK"));
    }

    private static Stream<Path> children(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isDirectory).sorted().collect(Collectors.toList()).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The feature version in a JDK's {@code release} file, or 0 when it has none. */
    private static int featureOf(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        try {
            Matcher m = JAVA_VERSION.matcher(Files.readString(release));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String launcher(Path home) {
        return home.resolve("bin").resolve("java").toString();
    }
}
