package dev.ssejaxrs.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

import dev.ssejaxrs.broadcast.Address;
import dev.ssejaxrs.broadcast.EventRegistry;
import dev.ssejaxrs.broadcast.RegistryStats;
import dev.ssejaxrs.stream.CloseReason;
import dev.ssejaxrs.stream.SseRuntime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters for an application's event streams and, if given, its {@link EventRegistry}. A Jersey
 * application registers {@link MetricsFeature} instead; this binder is for code that holds the runtime and the
 * registry itself. Needs {@code io.micrometer:micrometer-core} on the class path (this package only).
 *
 * <pre>{@code
 * SseMetrics.of(runtime).withRegistry(registry).withTags("application", "news").bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 * <caption>Meters (tags in brackets)</caption>
 * <tr><th>name</th><th>type</th><th>meaning</th></tr>
 * <tr><td>{@code sse.streams.open}</td><td>gauge</td><td>open event streams</td></tr>
 * <tr><td>{@code sse.events.written}</td><td>counter</td><td>events written and flushed (pings not counted)</td></tr>
 * <tr><td>{@code sse.bytes.written}</td><td>counter</td><td>bytes written and flushed, pings included</td></tr>
 * <tr><td>{@code sse.streams.ended} [{@code reason}]</td><td>counter</td><td>ended streams by
 *     {@link CloseReason}</td></tr>
 * <tr><td>{@code sse.send.timeouts}</td><td>counter</td><td>streams ended because the client stopped reading</td></tr>
 * <tr><td>{@code sse.registry.subscribers}, {@code .addresses}, {@code .queued}, {@code .retained}</td>
 *     <td>gauges</td><td>subscriber connections, addresses kept, events waiting for offline recipients, events in
 *     histories</td></tr>
 * <tr><td>{@code sse.registry.published}, {@code .delivered}, {@code .dropped}, {@code .evicted}</td>
 *     <td>counters</td><td>events published, handed to subscribers, dropped; addresses evicted</td></tr>
 * <tr><td>{@code sse.registry.disconnects} [{@code reason}]</td><td>counter</td><td>ended subscriber streams by
 *     reason ({@code SLOW_CONSUMER}, {@code CREDENTIALS_EXPIRED}, {@code MAX_STREAM_AGE} besides the close
 *     reasons)</td></tr>
 * <tr><td>{@code sse.registry.refused} [{@code limit}]</td><td>counter</td><td>subscriptions refused by
 *     {@code maxStreams}, {@code maxStreamsPerCaller}, {@code maxStreamsPerAddress} or
 *     {@code maxAddressesPerSubscription}; publishes refused by {@code maxEventSize}</td></tr>
 * <tr><td>{@code sse.registry.address.subscribers}, {@code .queued}, {@code .published}, {@code .dropped}
 *     [{@code address}, {@code kind}]</td><td>gauges, counters</td><td>only for the addresses named with
 *     {@link #withAddresses}</td></tr>
 * </table>
 *
 * <p>Tag cardinality is bounded: reasons are a fixed set, and no address gets a tag unless named here, so a
 * registry of a million topics makes the same handful of time series. Two applications in one
 * {@code MeterRegistry} need a tag each ({@link #withTags}), or the second's meters are the first's. Immutable.
 */
public final class SseMetrics implements MeterBinder {
    private final SseRuntime runtime;
    private final EventRegistry registry;
    private final Tags tags;
    private final List<Address> addresses;

    private SseMetrics(SseRuntime runtime, EventRegistry registry, Tags tags, List<Address> addresses) {
        this.runtime = runtime;
        this.registry = registry;
        this.tags = tags;
        this.addresses = addresses;
    }

    /**
     * Meters of {@code runtime}'s streams (no registry meters).
     *
     * @param runtime the application's runtime (not null)
     * @return the binder
     */
    public static SseMetrics of(SseRuntime runtime) {
        return new SseMetrics(Objects.requireNonNull(runtime, "runtime"), null, Tags.empty(), List.of());
    }

    /**
     * Meters of {@code registry} only (an application that publishes but streams elsewhere).
     *
     * @param registry the registry (not null)
     * @return the binder
     */
    public static SseMetrics of(EventRegistry registry) {
        return new SseMetrics(null, Objects.requireNonNull(registry, "registry"), Tags.empty(), List.of());
    }

    /**
     * These meters plus those of {@code eventRegistry}.
     *
     * @param eventRegistry the registry (not null)
     * @return new meters; this binder is unchanged
     */
    public SseMetrics withRegistry(EventRegistry eventRegistry) {
        return new SseMetrics(runtime, Objects.requireNonNull(eventRegistry, "registry"), tags, addresses);
    }

    /**
     * Tags on every meter, as key-value pairs ({@code "application", "news"}).
     *
     * @param keyValues keys and values in turn (an even number of them), added to any tags set before
     * @return new meters; this binder is unchanged
     */
    public SseMetrics withTags(String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("tags must be key-value pairs: " + Arrays.toString(keyValues));
        }
        return new SseMetrics(runtime, registry, tags.and(keyValues), addresses);
    }

    /**
     * Per-address meters for these addresses only, tagged with their name: the user chooses them, so the number of
     * time series stays what the user chose.
     *
     * @param chosen the addresses, added to any named before; each name must be one the registry accepts
     * @return new meters; this binder is unchanged
     * @throws IllegalStateException when no registry was given
     */
    public SseMetrics withAddresses(Address... chosen) {
        if (registry == null) {
            throw new IllegalStateException("per-address meters need an EventRegistry: call withRegistry first");
        }
        List<Address> all = new ArrayList<>(addresses);
        for (Address address : chosen) {
            all.add(registry.options().checkName(Objects.requireNonNull(address, "address")));
        }
        return new SseMetrics(runtime, registry, tags, List.copyOf(all));
    }

    @Override
    public void bindTo(MeterRegistry meterRegistry) {
        register(meterRegistry);
    }

    /** Registers the meters and returns them, so that {@link MetricsFeature} can remove them when the app stops. */
    List<Meter> register(MeterRegistry meters) {
        Objects.requireNonNull(meters, "meterRegistry");
        List<Meter> made = new ArrayList<>();
        if (runtime != null) {
            made.add(Gauge.builder("sse.streams.open", runtime, SseRuntime::activeStreams).tags(tags)
                    .description("open event streams").register(meters));
            made.add(counter(meters, "sse.events.written", runtime, SseRuntime::eventsWritten, tags,
                    "events written and flushed, pings not counted", null));
            made.add(counter(meters, "sse.bytes.written", runtime, SseRuntime::bytesWritten, tags,
                    "bytes written and flushed", "bytes"));
            for (CloseReason reason : CloseReason.values()) {
                made.add(counter(meters, "sse.streams.ended", runtime, r -> r.streamsEnded(reason),
                        tags.and("reason", reason.name()), "ended event streams by reason", null));
            }
            made.add(counter(meters, "sse.send.timeouts", runtime, r -> r.streamsEnded(CloseReason.SEND_TIMEOUT),
                    tags, "streams ended because the client stopped reading", null));
        }
        if (registry != null) {
            registerRegistry(meters, made);
        }
        return made;
    }

    private void registerRegistry(MeterRegistry meters, List<Meter> made) {
        // meters hold their source object weakly: the source is the registry (the application holds it), and the
        // functions, held strongly, share one snapshot
        StatsSnapshot stats = new StatsSnapshot(registry);
        made.add(gauge(meters, "sse.registry.subscribers", registry, r -> stats.get().subscribers(), tags,
                "open subscriber connections"));
        made.add(gauge(meters, "sse.registry.addresses", registry, r -> stats.get().addresses(), tags,
                "addresses kept"));
        made.add(gauge(meters, "sse.registry.queued", registry, r -> stats.get().queued(), tags,
                "events waiting for offline recipients"));
        made.add(gauge(meters, "sse.registry.retained", registry, r -> stats.get().retained(), tags,
                "events in replay histories"));
        made.add(counter(meters, "sse.registry.published", registry, r -> stats.get().published(), tags,
                "events published", null));
        made.add(counter(meters, "sse.registry.delivered", registry, r -> stats.get().delivered(), tags,
                "events handed to subscriber queues", null));
        made.add(counter(meters, "sse.registry.dropped", registry, r -> stats.get().dropped(), tags,
                "events dropped by slow-consumer policies, from offline queues, or for a subscriber whose callback "
                        + "threw", null));
        made.add(counter(meters, "sse.registry.evicted", registry, r -> stats.get().evicted(), tags,
                "addresses evicted beyond maxAddresses or maxRecipients", null));
        List<String> reasons = new ArrayList<>();
        for (CloseReason reason : CloseReason.values()) {
            reasons.add(reason.name());
        }
        reasons.addAll(EventRegistry.OWN_DISCONNECT_REASONS);
        for (String reason : reasons) {
            made.add(counter(meters, "sse.registry.disconnects", registry,
                    r -> stats.get().disconnects().getOrDefault(reason, 0L), tags.and("reason", reason),
                    "ended subscriber streams by reason", null));
        }
        for (String limit : EventRegistry.LIMITS) {
            made.add(counter(meters, "sse.registry.refused", registry, r -> r.refusals().get(limit),
                    tags.and("limit", limit), "subscriptions (or publishes) refused by a limit of the registry", null));
        }
        for (Address address : addresses) {
            Tags at = tags.and(Tag.of("address", address.name()),
                    Tag.of("kind", address.kind().name().toLowerCase(java.util.Locale.ROOT)));
            made.add(gauge(meters, "sse.registry.address.subscribers", registry,
                    r -> r.stats(address).subscribers(), at, "subscriber connections of the address"));
            made.add(gauge(meters, "sse.registry.address.queued", registry, r -> r.stats(address).queued(), at,
                    "events waiting for the offline recipient"));
            made.add(counter(meters, "sse.registry.address.published", registry,
                    r -> r.stats(address).published(), at, "events published to the address", null));
            made.add(counter(meters, "sse.registry.address.dropped", registry, r -> r.stats(address).dropped(), at,
                    "events of the address dropped", null));
        }
    }

    private static <T> Meter gauge(MeterRegistry meters, String name, T source, ToDoubleFunction<T> value, Tags tags,
            String description) {
        return Gauge.builder(name, source, value).tags(tags).description(description).register(meters);
    }

    private static <T> Meter counter(MeterRegistry meters, String name, T source, ToDoubleFunction<T> value,
            Tags tags, String description, String unit) {
        return FunctionCounter.builder(name, source, value).tags(tags).description(description).baseUnit(unit)
                .register(meters);
    }

    /**
     * One {@link RegistryStats} shared by the meters read in one scrape: {@code stats()} walks every address under
     * the registry's lock, so it is taken at most once per {@value #MAX_AGE_MILLIS} ms. Thread-safe.
     */
    static final class StatsSnapshot {
        static final long MAX_AGE_MILLIS = 500;
        private final EventRegistry registry;
        private volatile Taken taken;

        StatsSnapshot(EventRegistry registry) {
            this.registry = registry;
        }

        RegistryStats get() {
            long now = System.nanoTime();
            Taken t = taken;
            if (t == null || now - t.at > MAX_AGE_MILLIS * 1_000_000L) {
                t = new Taken(now, registry.stats());
                taken = t;
            }
            return t.stats;
        }

        private record Taken(long at, RegistryStats stats) {
        }
    }
}
