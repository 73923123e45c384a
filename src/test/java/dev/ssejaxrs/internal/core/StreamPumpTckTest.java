package dev.ssejaxrs.internal.core;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.Flow;

import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;
import org.testng.annotations.AfterClass;

import dev.ssejaxrs.internal.jersey.BlockingConnection;
import dev.ssejaxrs.stream.StreamOptions;

/**
 * The Reactive Streams TCK's subscriber rules, checked against the stream's subscriber writing to an in-memory
 * connection. (Run by the TestNG engine on the JUnit Platform.)
 */
public class StreamPumpTckTest extends FlowSubscriberBlackboxVerification<Object> {
    private final StreamEngine runtime = new StreamEngine();

    public StreamPumpTckTest() {
        super(new TestEnvironment(500));
    }

    @Override
    public Flow.Subscriber<Object> createFlowSubscriber() {
        StreamOptions options = StreamOptions.builder().pingInterval(Duration.ZERO).build();
        StreamPump pump = new StreamPump(runtime, options, new BlockingConnection(new ByteArrayOutputStream(), () -> { }));
        pump.activate(); // writes as items arrive, and asks for more as it writes
        return pump;
    }

    @Override
    public Object createElement(int element) {
        return "element " + element;
    }

    @AfterClass
    public void stopRuntime() {
        runtime.shutdown();
    }
}
