package dev.ssejaxrs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The example of {@code README.md}, run as a test; {@link #docsShowExactlyThisCode} keeps the two equal. */
class ReadmeTestingExampleTest {
    // README-BEGIN
    @Path("prices")
    public static class PriceResource {
        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void prices(@Context SseEventSink sink, @Context Sse sse) throws IOException {
            try (sink) {
                sink.send(sse.newEventBuilder().id("1").name("price").data("42").build());
                sink.send(sse.newEventBuilder().comment("ping").build());
                sink.send(sse.newEventBuilder().id("2").name("price").data("43").build());
            }
        }
    }

    @RegisterExtension
    static final SseServerExtension server = SseServerExtension.of(() -> new ResourceConfig(PriceResource.class));

    @Test
    void streamsPrices() {
        try (OpenEventStream stream = server.openStream("prices")) {
            assertEquals(200, stream.status());
            assertEquals(new ReceivedEvent("price", "42", "1", null), stream.next(Duration.ofSeconds(5)));
            assertEquals("ping", stream.awaitComment(c -> true, Duration.ofSeconds(5)));
            assertEquals("43", stream.next(Duration.ofSeconds(5)).data());
            stream.awaitEnd(Duration.ofSeconds(5));
        }
    }
    // README-END

    @Test
    void docsShowExactlyThisCode() throws IOException {
        String basedir = System.getProperty("basedir", ".");
        String readme = Files.readString(Paths.get(basedir, "README.md"), StandardCharsets.UTF_8);
        String doc = readme.substring(readme.indexOf("## Testing your event streams"));
        String source = Files.readString(
                Paths.get(basedir, "src", "test", "java", "dev", "ssejaxrs", "testing", "ReadmeTestingExampleTest.java"),
                StandardCharsets.UTF_8);

        String example = between(doc, "```java\n", "```");
        String body = between(source, "    // README-BEGIN\n", "    // README-END\n");
        List<String> exampleLines = Arrays.asList(example.split("\n"));
        int classLine = exampleLines.indexOf("class PriceStreamTest {");
        assertTrue(classLine > 0, "the example declares class PriceStreamTest:\n" + example);

        for (String importLine : exampleLines.subList(0, classLine)) {
            // this test lives in dev.ssejaxrs.testing, so it needs no import of that package
            assertTrue(importLine.isEmpty() || importLine.startsWith("import dev.ssejaxrs.testing.")
                            || source.contains(importLine + "\n"),
                    "the test imports what the example imports: " + importLine);
        }
        String exampleBody = String.join("\n", exampleLines.subList(classLine + 1, exampleLines.size() - 1)) + "\n";
        assertEquals(body, exampleBody, "README.md shows the code between README-BEGIN and README-END");
        assertEquals("}", exampleLines.get(exampleLines.size() - 1));
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertTrue(from >= 0, "missing " + start);
        from += start.length();
        int to = text.indexOf(end, from);
        assertTrue(to >= 0, "missing " + end);
        return text.substring(from, to);
    }
}
