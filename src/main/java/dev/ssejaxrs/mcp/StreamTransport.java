package dev.ssejaxrs.mcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import reactor.core.publisher.Mono;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.event.SseEvent;

/**
 * The SDK's side of one MCP stream (a POST's response stream or a GET listening stream): every message the SDK sends
 * on it is published to the stream's registry address, as {@code event: message} with the JSON-RPC message as data,
 * and reaches the client through the registry subscription of whichever request streams that address now (the first
 * one, or a resume with {@code Last-Event-ID}, on any node of the registry). Closing publishes the end marker that
 * ends those responses.
 *
 * <p>Thread-safe. The SDK sends a stream's messages one after the other (each after the previous one's publish
 * completed), so they keep their order in the registry.
 */
final class StreamTransport implements McpStreamableServerTransport {
    private static final System.Logger LOG = System.getLogger(StreamTransport.class.getName());

    private final EventRegistry registry;
    private final Address address;
    private final McpJsonMapper json;
    private final AtomicBoolean closed = new AtomicBoolean();

    StreamTransport(EventRegistry registry, Address address, McpJsonMapper json) {
        this.registry = registry;
        this.address = address;
        this.json = json;
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return sendMessage(message, null);
    }

    /** The SDK's message id is not used: the registry gives each event its id, which the client sees prefixed. */
    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
        return Mono.defer(() -> {
            if (closed.get()) {
                return Mono.error(new IllegalStateException("the MCP stream " + address.name() + " is closed"));
            }
            String data;
            try {
                data = json.writeValueAsString(message);
            } catch (IOException e) {
                return Mono.error(new UncheckedIOException("cannot write the JSON-RPC message as JSON", e));
            }
            SseEvent event = SseEvent.builder().event("message").data(data).build();
            return Mono.fromCompletionStage(() -> registry.publish(address, event)).then();
        });
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return json.convertValue(data, typeRef);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.defer(() -> closed.compareAndSet(false, true)
                ? Mono.fromCompletionStage(() -> registry.publish(address, endMarker())).then()
                : Mono.empty());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                registry.publish(address, endMarker()).whenComplete((delivery, failure) -> {
                    if (failure != null) {
                        LOG.log(System.Logger.Level.DEBUG, "the end of MCP stream " + address.name()
                                + " was not stored: " + failure);
                    }
                });
            } catch (RuntimeException e) { // the registry is closed: no client can resume this stream anyway
                LOG.log(System.Logger.Level.DEBUG, "the end of MCP stream " + address.name() + " was not stored: " + e);
            }
        }
    }

    static SseEvent endMarker() {
        return SseEvent.builder().event(KeyedEvents.END).data("").build();
    }
}
