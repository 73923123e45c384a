package dev.ssejaxrs.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.InvalidAddressException;
import dev.ssejaxrs.broadcast.RegistryOptions;
import dev.ssejaxrs.redis.RedisOptions;
import dev.ssejaxrs.redis.RedisProcess;
import dev.ssejaxrs.test.RawClient;

/**
 * No secret anywhere (issue 26, items 5 and 6): every log line (all of the library's levels, captured on the root
 * logger, where {@code System.Logger} goes here), every exception chain of the failure cases and every HTTP body
 * is scanned for the configured passwords. Also: names with lone surrogates are refused, naming the field.
 */
class NoSecretsTest {
    /** Characters that make a URI invalid ({@code %}, braces, a space): the case that quoted the whole URI. */
    private static final String INVALID_URI_SECRET = "pw%zz{not a uri}";
    private static final String SECRET = "s3cret-Hunter2";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<String> logged = new ArrayList<>();
    private final List<String> seen = new ArrayList<>(); // exception chains and bodies
    private final Handler capture = new Handler() {
        private final SimpleFormatter format = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(format.format(record)); // message, parameters, and the thrown chain with its messages
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger library = Logger.getLogger("dev.ssejaxrs");
    private Level libraryLevel;

    @BeforeEach
    void captureLogs() {
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
        libraryLevel = library.getLevel();
        library.setLevel(Level.ALL); // DEBUG and TRACE of the library too
    }

    @AfterEach
    void scanEverything() {
        Logger.getLogger("").removeHandler(capture);
        library.setLevel(libraryLevel);
        List<String> all = new ArrayList<>(seen);
        synchronized (logged) {
            all.addAll(logged);
        }
        assertFalse(all.isEmpty(), "the scan had something to read");
        for (String text : all) {
            for (String secret : List.of(SECRET, INVALID_URI_SECRET, "pw%zz", "Hunter2")) {
                assertFalse(text.contains(secret), "a secret in: " + text);
            }
        }
    }

    private <T extends Throwable> T failure(Class<T> type, org.junit.jupiter.api.function.Executable failing) {
        T e = assertThrows(type, failing);
        StringWriter chain = new StringWriter();
        e.printStackTrace(new PrintWriter(chain)); // every cause and suppressed exception with its message
        seen.add(chain.toString());
        return e;
    }

    @Test
    void redisUriThatIsNoUri_failsWithoutThePasswordInMessageOrCause() {
        IllegalArgumentException e = failure(IllegalArgumentException.class,
                () -> RedisOptions.builder("redis://app:" + INVALID_URI_SECRET + "@127.0.0.1:6379/0"));
        assertTrue(e.getMessage().startsWith("redis uri is not a URI ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("redis://app:***@127.0.0.1:6379/0"), e.getMessage());
        assertEquals(null, e.getCause(), "the URISyntaxException quotes the whole URI");
        seen.add(RedisOptions.builder("redis:app:" + SECRET + "@h").build().toString()); // no "//": redacted too
    }

    @Test
    void unreachableRedisWithAPassword_failsAndLogsWithoutIt() {
        failure(RuntimeException.class, () -> new EventRegistry(RegistryOptions.builder()
                .redis("redis://default:" + SECRET + "@127.0.0.1:1").build()));
        failure(java.io.IOException.class, () -> DemoServer.start(0, "jdbc:postgresql://127.0.0.1:1/todos?user=app"
                + "&password=" + SECRET, null, null));
        seen.add(TodoDatabase.shown("jdbc:postgresql://app:" + SECRET + "@db:5432/todos?password=" + SECRET));
        assertEquals("jdbc:postgresql://***@db:5432/todos?...",
                TodoDatabase.shown("jdbc:postgresql://app:" + SECRET + "@db:5432/todos?password=" + SECRET));
    }

    @Test
    void demoOnAPasswordRedis_whileRedisIsAway_saysNeitherPasswordNorHostNorUser() throws Exception {
        try (RedisProcess redis = RedisProcess.start("requirepass " + SECRET)) {
            String uri = "redis://default:" + SECRET + "@127.0.0.1:" + redis.port;
            try (DemoServer demo = DemoServer.start(0, null, uri, null)) {
                String published = post(demo, "/topics/news", "hello");
                assertTrue(published.startsWith("HTTP/1.1 201"), published);
                redis.stop();
                String refused = post(demo, "/topics/news", "during the outage");
                assertTrue(refused.startsWith("HTTP/1.1 503"), refused);
                assertTrue(refused.contains("retry-after=[5]"), refused);
                String body = refused.substring(refused.indexOf("}{") + 1); // after the head's header map
                assertEquals("{\"error\":\"cannot publish now: the event store is unavailable (nothing was stored);"
                        + " try again\"}", body);
                assertFalse(body.contains("127.0.0.1") || body.contains("default"), body);
                try (RawClient stats = RawClient.get(demo.port(), "/stats?busiest=true")) {
                    seen.add(stats.head() + stats.readToEnd(WAIT));
                }
            }
        }
    }

    private String post(DemoServer demo, String path, String body) {
        try (RawClient client = RawClient.request(demo.port(), "POST", path, body, 0,
                "Content-Type: application/x-www-form-urlencoded")) {
            String response = client.head() + client.readToEnd(WAIT);
            seen.add(response);
            return response;
        }
    }

    @Test
    void loneSurrogatesInNames_areRefusedNamingTheField() {
        for (String name : List.of("a\uD800", "\uDC00b", "x\uDBFF\uDBFFy")) {
            InvalidAddressException e = failure(InvalidAddressException.class,
                    () -> RegistryOptions.defaults().checkName(Address.recipient(name)));
            assertTrue(e.getMessage().startsWith("recipient name must be well-formed UTF-16: a lone surrogate U+D"),
                    e.getMessage());
        }
        InvalidAddressException e = failure(InvalidAddressException.class,
                () -> RegistryOptions.defaults().checkName(Address.topic("news\uD83D")));
        assertEquals("topic name must be well-formed UTF-16: a lone surrogate U+D83D at index 4", e.getMessage());
        assertEquals(Address.topic("news \uD83D\uDE00"), RegistryOptions.defaults()
                .checkName(Address.topic("news \uD83D\uDE00")), "a pair (an emoji) is fine");
    }
}
