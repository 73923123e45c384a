package dev.ssejaxrs.broadcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.event.SseEvent;
import dev.ssejaxrs.internal.store.ConnectionQueue;
import dev.ssejaxrs.test.TestServer;
import dev.ssejaxrs.testing.EventStreamClient;
import dev.ssejaxrs.testing.OpenEventStream;
import dev.ssejaxrs.testing.ReceivedEvent;

/**
 * What a page needs besides events, on every store (issue 28): presence and its events, latest-value mode, and the
 * render-time cursor. Extended once per store; the subclass says how to make a registry's options.
 */
abstract class PageFeaturesContract {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Caller ALICE = Caller.of("alice", Set.of());
    static final Caller BOB = Caller.of("bob", Set.of());
    final List<AutoCloseable> open = new ArrayList<>();

    /** Options of a new registry, on this test's own keys when the store is shared. */
    protected abstract RegistryOptions.Builder options();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    EventRegistry registry(RegistryOptions.Builder options) {
        EventRegistry registry = new EventRegistry(options.build());
        open.add(registry);
        return registry;
    }

    /** A subscriber without HTTP, once it has joined (and so counts in presence). */
    static Collected join(EventRegistry registry, Caller caller, String lastEventId, Address... addresses) {
        ConnectionQueue queue = registry.subscribe(addresses).caller(caller).lastEventId(lastEventId).queue();
        Collected collected = Collected.from(queue);
        queue.started().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
        return collected;
    }

    static Presence presence(EventRegistry registry, Address address, Caller viewer) {
        return (viewer == null ? registry.presence(address) : registry.presence(address, viewer))
                .toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
    }

    static String publish(EventRegistry registry, Address address, SseEvent event) {
        return registry.publish(address, event).toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join().id();
    }

    static List<String> presenceData(Collected watcher) {
        return watcher.events().stream().filter(e -> Presence.EVENT.equals(e.event())).map(SseEvent::data).toList();
    }

    // ---- presence

    @Test
    void presence_countsEveryStream_andNamesCallersOnlyToViewersThePolicyLetsSubscribe() {
        AccessPolicy policy = (address, caller) -> address.name().equals("secret") && !"alice".equals(caller.name())
                ? "only alice may subscribe to the secret" : null;
        EventRegistry registry = registry(options().accessPolicy(policy));
        Address room = Address.topic("room");
        Address secret = Address.topic("secret");
        Collected first = join(registry, ALICE, null, room);
        join(registry, ALICE, null, room, secret); // one stream of two addresses counts on each
        join(registry, Caller.anonymous(), null, room);

        await().atMost(WAIT).until(() -> presence(registry, room, null).connections() == 3);
        assertEquals(new Presence(room, 3, Map.of()), presence(registry, room, null), "counts only: no names");
        assertEquals(new Presence(room, 3, Map.of("alice", 2)), presence(registry, room, BOB));
        assertEquals(new Presence(secret, 1, Map.of()), presence(registry, secret, BOB),
                "bob may not subscribe to the secret: its count, not who is there");
        assertEquals(new Presence(secret, 1, Map.of("alice", 1)), presence(registry, secret, ALICE));
        assertEquals(new Presence(Address.topic("nobody"), 0, Map.of()),
                presence(registry, Address.topic("nobody"), ALICE));

        first.cancel();
        await().atMost(WAIT).until(() -> presence(registry, room, BOB).equals(new Presence(room, 2,
                Map.of("alice", 1))));
        assertThrows(InvalidAddressException.class, () -> registry.presence(Address.topic("bad\nname")));
    }

    @Test
    void presenceEvents_announceWhoJoinedAndLeft_andANewWatcherFirstGetsTheCurrentCount() {
        EventRegistry registry = registry(options().presenceEvents(Duration.ofMillis(200))
                .accessPolicy((address, caller) -> "mallory".equals(caller.name()) ? "not mallory" : null));
        Address room = Address.topic("room");
        Collected watcher = join(registry, Caller.anonymous(), null, Presence.eventsOf(room));

        Collected alice = join(registry, ALICE, null, room);
        await().atMost(WAIT).until(() -> presenceData(watcher).size() == 1);
        assertEquals(List.of("{\"count\":1,\"joined\":[\"alice\"],\"left\":[]}"), presenceData(watcher));
        alice.cancel();
        await().atMost(WAIT).until(() -> presenceData(watcher).size() == 2);
        assertEquals("{\"count\":0,\"joined\":[],\"left\":[\"alice\"]}", presenceData(watcher).get(1));

        Collected late = join(registry, Caller.anonymous(), null, Presence.eventsOf(room));
        assertEquals(List.of("{\"count\":0,\"joined\":[],\"left\":[\"alice\"]}"), presenceData(late),
                "the presence topic is in latest-value mode: the current count first");
        assertThrows(ForbiddenException.class, () -> registry.subscribe(Presence.eventsOf(room))
                .caller(Caller.of("mallory", Set.of())).open(), "its events name callers: guarded like the topic");
    }

    @Test
    void aReconnectStormOf1000Streams_makesABoundedNumberOfPresenceEvents() {
        Duration window = Duration.ofMillis(250);
        EventRegistry registry = registry(options().presenceEvents(window).subscriberQueue(10));
        Address room = Address.topic("storm");
        Collected watcher = join(registry, Caller.anonymous(), null, Presence.eventsOf(room));
        List<Collected> streams = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            streams.add(join(registry, Caller.of("user" + (i % 100), Set.of()), null, room));
        }
        await().atMost(WAIT).until(() -> presenceData(watcher).stream().anyMatch(d -> d.startsWith("{\"count\":1000,")));
        int before = presenceData(watcher).size();

        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) { // every client drops and comes back
            streams.get(i).cancel();
            streams.set(i, join(registry, Caller.of("user" + (i % 100), Set.of()), null, room));
        }
        long stormMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        await().atMost(WAIT).until(() -> presence(registry, room, null).connections() == 1000);
        // let the last window pass: an event still pending is counted too
        SseEvent marker = SseEvent.of("after the storm");
        publish(registry, Presence.eventsOf(room), marker);
        await().atMost(WAIT).pollDelay(window.multipliedBy(2)).until(() -> watcher.data().contains("after the storm"));

        int during = presenceData(watcher).size() - before;
        long bound = stormMillis / window.toMillis() + 2;
        System.out.printf("presence storm (%s): 2,000 joins and leaves in %d ms made %d presence events (bound %d)"
                + "%n", getClass().getSimpleName(), stormMillis, during, bound);
        assertTrue(during <= bound, during + " presence events for a storm of " + stormMillis + " ms, at most one per "
                + window.toMillis() + " ms window: " + presenceData(watcher));
        assertEquals(1000, presence(registry, room, null).connections());
    }

    // ---- latest value

    @Test
    void latestValue_aNewSubscriberGetsTheLatestEventThenLiveOnes_andAnIdStillReplays() {
        EventRegistry registry = registry(options().latestValue(a -> a.name().startsWith("job-")));
        Address job = Address.topic("job-1");
        Address plain = Address.topic("plain");
        String first = publish(registry, job, SseEvent.of("queued"));
        publish(registry, job, SseEvent.of("running"));
        publish(registry, job, SseEvent.of("50%"));
        publish(registry, plain, SseEvent.of("old news"));

        Collected latest = join(registry, Caller.anonymous(), null, job);
        Collected usual = join(registry, Caller.anonymous(), null, plain);
        Collected resumed = join(registry, Caller.anonymous(), first, job);
        publish(registry, job, SseEvent.of("done"));
        publish(registry, plain, SseEvent.of("news"));

        assertEquals(List.of("50%", "done"), data(latest.await(2)), "exactly the latest value, then live ones");
        assertEquals(List.of("news"), data(usual.await(1)), "other addresses as usual");
        assertEquals(List.of("running", "50%", "done"), data(resumed.await(3)), "with an id: the replay");
    }

    @Test
    void latestValuePerKey_givesTheLatestOfEachKeyInIdOrder_acrossTheAddressesOfOneStream() {
        EventRegistry registry = registry(options().latestValue(a -> a.name().equals("prices")
                || a.name().equals("status"), SseEvent::event));
        Address prices = Address.topic("prices");
        Address status = Address.topic("status");
        publish(registry, prices, SseEvent.builder().event("ACME").data("10").build());
        publish(registry, prices, SseEvent.builder().event("INIT").data("5").build());
        publish(registry, status, SseEvent.builder().event("market").data("open").build());
        publish(registry, prices, SseEvent.builder().event("ACME").data("11").build());

        Collected subscriber = join(registry, Caller.anonymous(), null, prices, status);
        publish(registry, prices, SseEvent.builder().event("INIT").data("6").build());
        assertEquals(List.of("INIT=5", "market=open", "ACME=11", "INIT=6"), keyed(subscriber.await(4)));
    }

    @Test
    void latestValue_takesTheKeyOfALatestPerKeySlowConsumerPolicy() {
        EventRegistry registry = registry(options().latestValue(a -> true)
                .slowConsumerPolicy(SlowConsumerPolicy.latestPerKey(SseEvent::event)));
        Address tiles = Address.topic("tiles");
        publish(registry, tiles, SseEvent.builder().event("cpu").data("40").build());
        publish(registry, tiles, SseEvent.builder().event("ram").data("2G").build());
        publish(registry, tiles, SseEvent.builder().event("cpu").data("45").build());
        assertEquals(List.of("ram=2G", "cpu=45"), keyed(join(registry, Caller.anonymous(), null, tiles).await(2)));
    }

    private static List<String> data(List<SseEvent> events) {
        return events.stream().map(SseEvent::data).toList();
    }

    private static List<String> keyed(List<SseEvent> events) {
        return events.stream().map(e -> e.event() + "=" + e.data()).toList();
    }

    // ---- the render-time cursor

    /** A page rendered from the application's state, with the cursor taken with it, under the writers' lock. */
    @Path("page")
    public static final class Page {
        private final EventRegistry registry;
        private final Object writes;
        private final List<String> state;

        Page(EventRegistry registry, Object writes, List<String> state) {
            this.registry = registry;
            this.writes = writes;
            this.state = state;
        }

        @GET
        @Produces(MediaType.TEXT_PLAIN)
        public Response render(@QueryParam("topic") List<String> topics, @QueryParam("form") String form) {
            Address[] addresses = topics.stream().map(Address::topic).toArray(Address[]::new);
            String rows;
            String cursor;
            synchronized (writes) {
                rows = String.join(",", state);
                cursor = registry.head(addresses);
            }
            Response.ResponseBuilder page = Response.ok(rows);
            return ("link".equals(form) ? RenderCursor.link(page, java.net.URI.create("/events"), cursor)
                    : RenderCursor.header(page, cursor)).build();
        }
    }

    @Test
    void renderThenSubscribe_withAPublisherRunningInBetween_missesNothingAndRepeatsNothing() throws Exception {
        EventRegistry registry = registry(options());
        Object writes = new Object();
        List<String> state = new ArrayList<>();
        TestServer server = TestServer.start(new ResourceConfig(BroadcastApp.Subscriptions.class)
                .register(new Page(registry, writes, state)).register(new BroadcastFeature(registry)));
        open.add(server);
        Client client = ClientBuilder.newClient();
        open.add(client::close);
        Address a = Address.topic("rows-a");
        Address b = Address.topic("rows-b");
        AtomicBoolean stop = new AtomicBoolean();
        Semaphore permits = new Semaphore(0); // the test lets the publisher run in batches, concurrently with it
        Thread publisher = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                try {
                    if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        i--;
                        continue;
                    }
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (writes) { // the application's write: its state, then its event
                    String row = "row" + i;
                    state.add(row);
                    publish(registry, i % 3 == 0 ? b : a, SseEvent.of(row));
                }
            }
        }, "test-publisher");
        publisher.start();
        try {
            permits.release(30);
            await().atMost(WAIT).until(() -> size(writes, state) >= 30);
            for (String form : List.of("header", "link")) {
                permits.release(60); // publishing while the page renders
                Response page = client.target("http://127.0.0.1:" + server.port + "/page?topic=rows-a&topic=rows-b"
                        + "&form=" + form).request().get();
                List<String> rendered = List.of(page.readEntity(String.class).split(","));
                String cursor = EventStreamClient.cursor(page);
                permits.release(60); // and while the stream opens and joins
                try (OpenEventStream stream = EventStreamClient.open(client.target("http://127.0.0.1:" + server.port
                        + "/events?topic=rows-a&topic=rows-b"), cursor)) {
                    await().atMost(WAIT).until(() -> permits.availablePermits() == 0);
                    await().atMost(WAIT).until(() -> size(writes, state) == 30 + (form.equals("header") ? 120 : 240));
                    String last = last(writes, state);
                    List<String> seen = new ArrayList<>(rendered);
                    ReceivedEvent event;
                    do {
                        event = stream.next(WAIT);
                        seen.add(event.data());
                    } while (!event.data().equals(last));
                    assertEquals(copy(writes, state).subList(0, seen.size()), seen,
                            form + ": the page's rows, then the stream's, are every row once, in order");
                }
            }
        } finally {
            stop.set(true);
            publisher.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    @Test
    void head_beforeAnyEvent_isACursorThatResumesExactly() {
        EventRegistry registry = registry(options());
        Address fresh = Address.topic("fresh");
        String cursor = registry.head(fresh, Address.topic("other"));
        publish(registry, fresh, SseEvent.of("first"));
        Collected subscriber = join(registry, Caller.anonymous(), cursor, fresh);
        assertEquals(List.of("first"), data(subscriber.await(1)), "no replay-incomplete: the cursor is exact");
        assertThrows(IllegalArgumentException.class, registry::head);
    }

    private static int size(Object writes, List<String> state) {
        synchronized (writes) {
            return state.size();
        }
    }

    private static String last(Object writes, List<String> state) {
        synchronized (writes) {
            return state.get(state.size() - 1);
        }
    }

    private static List<String> copy(Object writes, List<String> state) {
        synchronized (writes) {
            return List.copyOf(state);
        }
    }
}
