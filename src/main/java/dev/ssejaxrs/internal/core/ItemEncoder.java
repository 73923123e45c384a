package dev.ssejaxrs.internal.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

import jakarta.json.bind.Jsonb;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Providers;
import jakarta.ws.rs.sse.OutboundSseEvent;

import dev.ssejaxrs.event.SseEvent;

/**
 * Turns an item that is not already an event, a string or bytes into an {@link SseEvent}, once per item, with the
 * application's own providers: an object becomes JSON data through the {@link MessageBodyWriter} the application
 * uses for {@code application/json} (Jackson, JSON-B, ...), else through its {@code ContextResolver<Jsonb>}, else
 * through the library's default JSON-B; a standard {@link OutboundSseEvent} becomes the event it describes, its data
 * written by the application's writer for the event's media type. The same order writes the JSON data of events made
 * by {@code SseEvent.json(value)} ({@link #withJson}), for the application's streams and its registry. When nothing
 * can write JSON, an {@link IllegalStateException} says what to add. Thread-safe: the JAX-RS {@link Providers} of an
 * application may be asked from any thread.
 */
public final class ItemEncoder {
    /** Without an application (a stream tested without JAX-RS, a registry not served yet): the library's JSON-B. */
    public static final ItemEncoder DEFAULT = new ItemEncoder(null);
    private static final Annotation[] NO_ANNOTATIONS = new Annotation[0];

    private final Providers providers;
    /** One instance per encoder, so that an event's cache of its JSON text recognises the application's writer. */
    private final Function<Object, String> jsonWriter = this::jsonText;

    public ItemEncoder(Providers providers) {
        this.providers = providers;
    }

    /**
     * {@code event} with the JSON data of {@code SseEvent.json(value)} written by the application's JSON provider
     * (once per event and application), or {@code event} itself when it has no such data.
     *
     * @throws IllegalStateException when nothing can write JSON
     * @throws IllegalArgumentException when the application's writer fails on the value
     */
    public SseEvent withJson(SseEvent event) {
        return event.withJsonWrittenBy(jsonWriter);
    }

    private String jsonText(Object value) {
        try {
            return json(value, value.getClass(), value.getClass());
        } catch (IOException e) { // the writer's failure (Jackson's JsonMappingException)
            throw new IllegalArgumentException("cannot write a value of type " + value.getClass().getName()
                    + " as JSON event data: " + e.getMessage(), e);
        }
    }

    /** The event for {@code item}, which is neither an {@code SseEvent}, a {@code String} nor a {@code byte[]}. */
    SseEvent toEvent(Object item) {
        try {
            if (item instanceof OutboundSseEvent standard) {
                return fromStandard(standard);
            }
            return SseEvent.of(json(item, item.getClass(), item.getClass()));
        } catch (IOException e) { // the writer's failure (Jackson's JsonMappingException), not the client's
            throw new IllegalArgumentException("cannot write an item of type " + item.getClass().getName()
                    + " as event data: " + e.getMessage(), e);
        }
    }

    /** Name, id, comment and reconnect delay as they are (validated by {@link SseEvent.Builder}), data written. */
    private SseEvent fromStandard(OutboundSseEvent event) throws IOException {
        SseEvent.Builder builder = SseEvent.builder().event(event.getName()).id(event.getId())
                .comment(event.getComment());
        if (event.isReconnectDelaySet()) {
            builder.retry(Duration.ofMillis(event.getReconnectDelay()));
        }
        Object data = event.getData();
        if (data != null) {
            MediaType type = event.getMediaType() == null ? MediaType.TEXT_PLAIN_TYPE : event.getMediaType();
            Class<?> rawType = event.getType() == null ? data.getClass() : event.getType();
            Type genericType = event.getGenericType() == null ? rawType : event.getGenericType();
            if (data instanceof String text && !type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                builder.data(text);
            } else if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                builder.data(json(data, rawType, genericType));
            } else {
                String written = write(data, rawType, genericType, type);
                if (written == null) {
                    throw new IllegalArgumentException("no MessageBodyWriter for the data of an OutboundSseEvent: "
                            + rawType.getName() + " as " + type);
                }
                builder.data(written);
            }
        }
        return builder.build();
    }

    private String json(Object value, Class<?> rawType, Type genericType) throws IOException {
        String written = write(value, rawType, genericType, MediaType.APPLICATION_JSON_TYPE);
        if (written != null) {
            return written;
        }
        Jsonb jsonb = resolvedJsonb(rawType);
        return jsonb != null ? SseEvent.json(value, jsonb).data() : SseEvent.json(value).data();
    }

    /** The text the application's writer makes of {@code value} as {@code mediaType}, or {@code null} if none. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private String write(Object value, Class<?> rawType, Type genericType, MediaType mediaType) throws IOException {
        if (providers == null) {
            return null;
        }
        MessageBodyWriter writer = providers.getMessageBodyWriter(rawType, genericType, NO_ANNOTATIONS, mediaType);
        if (writer == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.writeTo(value, rawType, genericType, NO_ANNOTATIONS, mediaType, new MultivaluedHashMap<>(), out);
        return out.toString(charset(mediaType));
    }

    private Jsonb resolvedJsonb(Class<?> type) {
        if (providers == null) {
            return null;
        }
        ContextResolver<Jsonb> resolver = providers.getContextResolver(Jsonb.class, MediaType.APPLICATION_JSON_TYPE);
        return resolver == null ? null : resolver.getContext(type);
    }

    private static Charset charset(MediaType mediaType) {
        String name = mediaType.getParameters().get(MediaType.CHARSET_PARAMETER);
        return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
    }

    /** Whether the application can write objects as JSON by itself (a JSON writer or a {@code Jsonb} resolver). */
    public boolean applicationWritesJson() {
        return providers != null && (providers.getMessageBodyWriter(JsonProbe.class, JsonProbe.class, NO_ANNOTATIONS,
                MediaType.APPLICATION_JSON_TYPE) != null || resolvedJsonb(JsonProbe.class) != null);
    }

    /** A type only a general-purpose JSON writer accepts. */
    static final class JsonProbe {
        public int value;
    }
}
