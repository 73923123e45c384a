package dev.ssejaxrs.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code bench/run.sh --charts FILE DIR} draws the peer comparison of a result file as SVG: a chart per scenario and
 * measure, a bar per server in proportion to its value, the run's header lines on each chart. The sample result file
 * is test input, not a measurement.
 */
class BenchChartsTest {
    private static final Path SAMPLE = Path.of("src/test/resources/bench-charts/sample-results.txt");

    private record Run(int exitCode, String out, String err) { }

    private static Run charts(String file, Path dir) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", "bench/run.sh", "--charts", file, dir.toString()).start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "bench/run.sh --charts did not finish within 60 s");
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void drawsABarPerServerForEachScenarioAndMeasure(@TempDir Path dir) throws Exception {
        Run run = charts(SAMPLE.toString(), dir);
        assertEquals(0, run.exitCode(), run.err());
        List<String> names;
        try (Stream<Path> files = Files.list(dir)) {
            names = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("fanout1k-50-events_per_s.svg", "fanout1k-50-p50_ms.svg", "fanout1k-50-p99_ms.svg",
                "fanout1k-50-server_cpu_s.svg", "idle5k-bytes_per_conn.svg", "idle5k-live_heap_bytes_per_conn.svg",
                "stream1-events_per_s.svg", "stream1-server_cpu_s.svg"), names, run.out());

        Document chart = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("stream1-events_per_s.svg").toFile());
        String text = chart.getDocumentElement().getTextContent();
        assertTrue(text.contains("stream1: events per second (higher is better)"), text);
        assertTrue(text.contains("openjdk version \"17\" <sample>"), "the run's header, escaped, read back: " + text);
        List<String> labels = new ArrayList<>();
        NodeList texts = chart.getElementsByTagName("text");
        for (int i = 0; i < texts.getLength(); i++) {
            Element label = (Element) texts.item(i);
            if (label.getAttribute("text-anchor").equals("end")) {
                labels.add(label.getTextContent());
            }
        }
        assertEquals(List.of("sse-jaxrs", "grizzly-raw"), labels, "a bar per server; failed jersey-sink has none");
        NodeList bars = chart.getElementsByTagName("rect");
        assertEquals(3, bars.getLength(), "the background and a bar per server");
        assertEquals("215", ((Element) bars.item(1)).getAttribute("width"), "sse-jaxrs: 2000 of the largest 4000");
        assertEquals("430", ((Element) bars.item(2)).getAttribute("width"), "grizzly-raw: the largest");
    }

    @Test
    void aFileWithoutResultLinesIsRefused(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "# 2026-01-01T00:00:00Z a run that printed its header and nothing else\n");
        Run run = charts(empty.toString(), dir.resolve("charts"));
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.err().contains("no result lines"), run.err());

        Run missing = charts(dir.resolve("missing.txt").toString(), dir.resolve("charts"));
        assertEquals(2, missing.exitCode(), missing.out());
        assertTrue(missing.err().contains("usage: bench/run.sh --charts"), missing.err());
    }
}
